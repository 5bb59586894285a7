import type { GitHubScope } from '@gha-ephemeral/github';

/** A job GitHub has queued that wants a self-hosted runner. */
export interface QueuedJob {
  id: number;
  runId: number;
  /** `owner/name` of the job's repository. */
  repository: string;
  /** The job's `runs-on` labels, as GitHub lists them. */
  labels: readonly string[];
  /** ISO 8601; older jobs are served first when capacity is short. */
  createdAt: string;
  /** For people (the dashboard), when GitHub said: the job's and workflow's names, and its page. */
  name?: string | null;
  workflow?: string | null;
  url?: string | null;
}

/** The queued jobs of one runner scope (a repository, or an organization in organization mode). */
export interface ScopeDemand {
  scope: GitHubScope;
  jobs: readonly QueuedJob[];
}

/** What one runner looks like to the planner: Docker's record joined with GitHub's. */
export interface ObservedRunner {
  id: string;
  /** Where it is registered. */
  scope: GitHubScope;
  /** {@link scopeKey} of its scope. */
  scopeKey: string;
  labels: readonly string[];
  /** starting: container up, not yet online; idle: online, waiting; busy: running a job; exited: ended. */
  state: 'starting' | 'idle' | 'busy' | 'offline' | 'exited';
  /** Epoch ms of the container's creation. */
  createdAtMs: number;
  /** The job it was started for, when known. */
  jobId: number | null;
  /** The pool it belongs to. */
  pool: string;
  /** False when GitHub's list of its scope could not be read: its GitHub state is unknown, not absent. */
  verified: boolean;
}

/** A stable key for a scope: `repository:owner/name` or `organization:name`, lowercase (GitHub names are case-insensitive). */
export function scopeKey(scope: GitHubScope): string {
  return scope.kind === 'repository'
    ? `repository:${scope.owner}/${scope.repo}`.toLowerCase()
    : `organization:${scope.org}`.toLowerCase();
}
