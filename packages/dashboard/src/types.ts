// The page's data types come from the HTTP contract, as types only: the page never bundles zod.
export type {
  DashboardEvent,
  DashboardSnapshot,
  ErrorBody,
  GitHubRateLimit,
  Health,
  JobLatency,
  Percentiles,
  Pool,
  RecentJob,
  Runner,
  RunnerStatus,
  ScaleSetHealth,
} from '@gha-ephemeral/contract';
