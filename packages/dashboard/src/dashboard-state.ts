import type { DashboardEvent, GitHubRateLimit, Health, JobLatency, Pool, RecentJob, Runner } from './types';

/** The orchestrator's ring of recent jobs holds this many (RECENT_JOBS_CAPACITY); the page keeps no more. */
export const MAX_JOBS = 300;

/** Everything the page shows. Null until the first snapshot has arrived. */
export interface DashboardState {
  runners: Runner[];
  pools: Pool[];
  /** Newest first. */
  jobs: RecentJob[];
  latency: JobLatency | null;
  health: Health | null;
  rateLimit: GitHubRateLimit | null;
  /** When the last event changed something (ms since the epoch); null before the first snapshot. */
  updatedAt: number | null;
}

export const EMPTY_STATE: DashboardState = {
  runners: [],
  pools: [],
  jobs: [],
  latency: null,
  health: null,
  rateLimit: null,
  updatedAt: null,
};

function upsertRunner(runners: readonly Runner[], runner: Runner): Runner[] {
  const index = runners.findIndex((existing) => existing.id === runner.id);
  if (index === -1) return [...runners, runner];
  return runners.map((existing, i) => (i === index ? runner : existing));
}

/** A job already listed keeps its place (the ring is ordered by arrival); a new one goes first. */
function upsertJob(jobs: readonly RecentJob[], job: RecentJob): RecentJob[] {
  const index = jobs.findIndex((existing) => existing.id === job.id);
  if (index !== -1) return jobs.map((existing, i) => (i === index ? job : existing));
  return [job, ...jobs].slice(0, MAX_JOBS);
}

/**
 * The state after one event of `GET /api/v1/events`: `snapshot` replaces everything, the others replace or
 * upsert what they name. `bye` changes nothing here (the connection reconnects).
 */
export function applyEvent(state: DashboardState, event: DashboardEvent, now: number): DashboardState {
  switch (event.type) {
    case 'snapshot': {
      const { runners, pools, jobs, latency, health, rateLimit } = event.snapshot;
      return { runners, pools, jobs: jobs.slice(0, MAX_JOBS), latency, health, rateLimit, updatedAt: now };
    }
    case 'runner':
      return { ...state, runners: upsertRunner(state.runners, event.runner), updatedAt: now };
    case 'runner.removed':
      return { ...state, runners: state.runners.filter((r) => r.id !== event.id), updatedAt: now };
    case 'job':
      return { ...state, jobs: upsertJob(state.jobs, event.job), updatedAt: now };
    case 'pools':
      return { ...state, pools: event.pools, updatedAt: now };
    case 'latency':
      return { ...state, latency: event.latency, updatedAt: now };
    case 'health':
      return { ...state, health: event.health, rateLimit: event.rateLimit, updatedAt: now };
    case 'bye':
      return state;
  }
}
