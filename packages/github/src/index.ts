export * from './scope.js';
export * from './port.js';
export * from './logger.js';
export * from './errors.js';
export * from './octokit-client.js';
export { DEFAULT_REQUEST_TIMEOUT_MS, GitHubDeadlineError, deadlineFetch } from './deadline/deadline-fetch.js';
export * from './octokit-github.js';
export type {
  GitHubRepository,
  GitHubRunStatus,
  GitHubWorkflow,
  GitHubWorkflowJob,
  GitHubWorkflowRun,
  ListOptions,
  RepositoryRef,
  WorkflowState,
} from './discovery/types.js';
export type { GitHubAuthKind } from './discovery/discovery-requests.js';
export {
  conditionalRequests,
  type ConditionalRequestOptions,
  type ConditionalRequests,
} from './conditional/conditional-requests.js';
export {
  installationAuthStrategy,
  type GitHubAppAuth,
  type InstallationAuth,
  type InstallationAuthStrategyOptions,
} from './app-auth/installation-auth.js';
export {
  DEFAULT_REFRESH_MARGIN_MS,
  InstallationTokenCache,
  type InstallationTokenCacheOptions,
  type InstallationTokenStats,
} from './app-auth/installation-token-cache.js';
export { findInstallation, type FindInstallationOptions } from './app-auth/find-installation.js';
export { normalizePrivateKey } from './app-auth/private-key.js';
export {
  countRequestOutcomes,
  GITHUB_REQUEST_OUTCOMES,
  outcomeOfError,
  type GitHubRequestOutcome,
  type GitHubRequestStats,
} from './metrics/request-outcomes.js';
export type { ConditionalRequestStats } from './conditional/etag-cache.js';
export {
  classifyRateLimitError,
  type RateLimitHit,
  type RateLimitKind,
} from './rate-limit/classify-rate-limit.js';
export { readRateLimitHeaders, type RateLimitHeaders } from './rate-limit/read-headers.js';
export {
  RateLimitState,
  type RateLimitSnapshot,
  type RateLimitStateOptions,
} from './rate-limit/rate-limit-state.js';
export {
  guardRateLimits,
  observeRateLimits,
  type RateLimitPluginOptions,
} from './rate-limit/rate-limit-plugins.js';
export { suggestDelayMs, MAX_SLOWDOWN_FACTOR, SLOWDOWN_THRESHOLD } from './rate-limit/suggested-delay.js';
export {
  DEFAULT_WRITE_BURST,
  createWriteLimiter,
  type WriteBucket,
  type WriteJobOptions,
  type WriteLimiter,
} from './rate-limit/write-limiter.js';
export { systemClock, type Clock } from './clock/clock.js';
export { analyzeWorkflow, selfHostedVerdict, usesSelfHostedRunners } from './workflows/analyze-workflow.js';
export { isGitHubHostedLabel } from './workflows/github-hosted-labels.js';
export { hasSelfHostedLabel } from './workflows/verdict.js';
export type {
  JobRunsOnKind,
  RunsOnTarget,
  SelfHostedVerdict,
  WorkflowAnalysis,
  WorkflowJobAnalysis,
} from './workflows/types.js';
export {
  ActionsServiceClient,
  LONG_POLL_MS,
  type ActionsServiceClientOptions,
} from './scaleset/actions-client.js';
export { jwtExpiryMs } from './scaleset/actions-auth.js';
export { parseMessage, readStatistics } from './scaleset/message.js';
export type * from './scaleset/types.js';
