import type { ConditionalRequestStats } from './conditional/etag-cache.js';
import type {
  GitHubRepository,
  GitHubRunStatus,
  GitHubWorkflow,
  GitHubWorkflowJob,
  GitHubWorkflowRun,
  ListOptions,
  RepositoryRef,
} from './discovery/types.js';
import type { GitHubRequestStats } from './metrics/request-outcomes.js';
import type { RateLimitSnapshot } from './rate-limit/rate-limit-state.js';
import type { GitHubScope } from './scope.js';

/** Options every port call takes. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
}

/** A short-lived token for `config.sh --token` (registration) or `config.sh remove --token` (removal). */
export interface RunnerToken {
  token: string;
  /** ISO 8601; GitHub's tokens live one hour. */
  expiresAt: string;
}

/** A self-hosted runner as GitHub lists it. */
export interface GitHubRunner {
  id: number;
  name: string;
  os: string;
  status: 'online' | 'offline';
  busy: boolean;
  /** Label names, built-in (`self-hosted`, `Linux`, `X64`) and custom alike. */
  labels: string[];
  ephemeral: boolean | null;
}

/** What `generate-jitconfig` needs. */
export interface JitConfigRequest {
  name: string;
  labels: readonly string[];
  /** 1 is the Default group. */
  runnerGroupId: number;
  workFolder?: string;
}

/** A just-in-time runner: already registered; only `encodedJitConfig` goes into its container. */
export interface JitRunner {
  runner: GitHubRunner;
  encodedJitConfig: string;
}

/** What deleting a runner registration found. */
export type DeleteRunnerResult = 'deleted' | 'not_found' | 'busy';

/**
 * The GitHub API as the orchestrator needs it. Implementations map GitHub's failures to `AppError`s with
 * `github.*` codes (`retryable` set for 5xx, network errors and rate limits) and never put a token in an error.
 */
export interface GitHubPort {
  /** Mints a registration token for the scope. Each call is a write on GitHub: callers should reuse a token until it nears expiry. */
  createRegistrationToken(scope: GitHubScope, options?: CallOptions): Promise<RunnerToken>;
  /** Mints a removal token for `config.sh remove`. */
  createRemoveToken(scope: GitHubScope, options?: CallOptions): Promise<RunnerToken>;
  /**
   * Registers a just-in-time runner and returns its encoded configuration. GitHub creates the runner record at once:
   * a retry after a lost answer meets 409 (`github.conflict`), and the caller must then find and delete the record.
   */
  generateJitConfig(scope: GitHubScope, request: JitConfigRequest, options?: CallOptions): Promise<JitRunner>;
  /** Every runner registered in the scope (all pages). */
  listRunners(scope: GitHubScope, options?: CallOptions): Promise<GitHubRunner[]>;
  /** The runner with exactly this name, or null. Uses GitHub's `name` filter (one request). */
  findRunnerByName(scope: GitHubScope, name: string, options?: CallOptions): Promise<GitHubRunner | null>;
  /**
   * Deletes a registration. Idempotent: a runner that is already gone is `not_found`. A runner still running a job
   * cannot be deleted (GitHub answers 422): `busy`, and the caller retries later.
   */
  deleteRunner(scope: GitHubScope, runnerId: number, options?: CallOptions): Promise<DeleteRunnerResult>;
  /** Checks that GitHub answers and the credentials are accepted (`GET /rate_limit`, which costs no rate limit). */
  ping(options?: CallOptions): Promise<{ rateLimitRemaining: number | null }>;

  // Discovery (automatic mode). Every listing follows `Link` to the last page, 100 items a page, and every GET is
  // conditional: an unchanged page is answered 304 from the client's cache and costs no rate limit. A listing
  // that GitHub refuses for its rate limit fails with `github.rate_limited` (retryable, `details.retryAfterSeconds`).

  /**
   * Every repository the credentials reach: `GET /user/repos` (owned, collaborator, organization member) for a
   * token, `GET /installation/repositories` for a GitHub App installation (the adapter's `authKind`). Archived and
   * disabled repositories are included, flagged: callers skip them.
   */
  listAccessibleRepositories(options?: ListOptions): Promise<GitHubRepository[]>;
  /** Every repository of an organization (`GET /orgs/{org}/repos`, all types). Unknown organization: `github.not_found`. */
  listOrganizationRepositories(org: string, options?: ListOptions): Promise<GitHubRepository[]>;
  /**
   * One repository (`GET /repos/{owner}/{repo}`), conditional like the listings. Unknown, or out of the
   * credentials' reach: `github.not_found`. `private` is true for private and internal repositories.
   */
  getRepository(repo: RepositoryRef, options?: CallOptions): Promise<GitHubRepository>;
  /**
   * The workflows registered in a repository, any state (only `active` ones run). Paths outside
   * `.github/workflows/` are GitHub's own dynamic workflows (CodeQL, Dependabot), which have no file.
   */
  listWorkflows(repo: RepositoryRef, options?: ListOptions): Promise<GitHubWorkflow[]>;
  /**
   * A workflow file's text on the default branch, base64-decoded; null when there is no such file (404, or the
   * path is a directory, symlink or submodule). Asked again each time, but conditionally: an unchanged file is a
   * free 304 answered from the cache, so callers may call this every discovery pass.
   */
  getWorkflowFile(repo: RepositoryRef, path: string, options?: CallOptions): Promise<string | null>;
  /**
   * Runs whose status is `queued`, newest first. GitHub returns at most 1,000 runs for a filtered search: beyond
   * that the oldest are missing until the newer ones leave the queue. A run is `in_progress` as soon as one of its
   * jobs is, while later jobs (`needs:`) may still be queued: use {@link GitHubPort.listRunsByStatus} with
   * `in_progress` to see those.
   */
  listQueuedRuns(repo: RepositoryRef, options?: ListOptions): Promise<GitHubWorkflowRun[]>;
  /** Runs with the given status, newest first, at most 1,000 (GitHub's cap on filtered searches). */
  listRunsByStatus(
    repo: RepositoryRef,
    status: Exclude<GitHubRunStatus, 'unknown'>,
    options?: ListOptions,
  ): Promise<GitHubWorkflowRun[]>;
  /**
   * The jobs of a run's latest attempt, with the labels GitHub matches runners against. Tolerant of GitHub's
   * quirks: a missing `created_at` (then `started_at`), `waiting`/`pending` statuses, `runner_*` null until taken.
   */
  listRunJobs(repo: RepositoryRef, runId: number, options?: ListOptions): Promise<GitHubWorkflowJob[]>;

  /** What the client knows of GitHub's rate limit, read from every answer (for health and metrics). */
  rateLimitStatus(): RateLimitSnapshot;
  /**
   * How long a poller should wait before its next cycle: `baseIntervalMs` while the budget is healthy, longer as
   * `x-ratelimit-remaining` falls, until the limit lifts while it is in force (see `suggestDelayMs`).
   */
  suggestedPollDelayMs(baseIntervalMs: number): number;
  /** Counters of conditional GETs since the client was made (304s are the requests that cost nothing). */
  conditionalRequestStats(): ConditionalRequestStats;
  /**
   * Request attempts by outcome since the client was made (`2xx`, `304`, `4xx`, `5xx`, `rate_limited`,
   * `network_error`), for metrics. Optional: a port that does not count omits it.
   */
  requestStats?(): GitHubRequestStats;
}
