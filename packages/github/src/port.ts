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
}
