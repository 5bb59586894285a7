import type { CallOptions } from '../port.js';

/** Options of a listing that may span many pages. */
export interface ListOptions extends CallOptions {
  /**
   * Called after each page with the number of items gathered so far and the page number, so a caller can log
   * progress through a large account. Must not throw.
   */
  onPage?: ((count: number, page: number) => void) | undefined;
}

/** A repository as discovery needs it. */
export interface GitHubRepository {
  owner: string;
  name: string;
  /** `owner/name`. */
  fullName: string;
  /** Read-only: no workflow runs. Callers skip it. */
  archived: boolean;
  /** Blocked by GitHub (its contents answer 403). Callers skip it. */
  disabled: boolean;
  /** Private or internal (`visibility`): false only for a public repository, which anyone may fork. */
  private: boolean;
}

/** Names a repository: `{owner, name}` (a {@link GitHubRepository} is one) or the text `owner/name`. */
export type RepositoryRef = { readonly owner: string; readonly name: string } | string;

/**
 * A workflow's state on GitHub. Only `active` workflows run; `unknown` stands for a state this client does not
 * know yet.
 */
export type WorkflowState =
  'active' | 'deleted' | 'disabled_fork' | 'disabled_inactivity' | 'disabled_manually' | 'unknown';

/** A workflow registered in a repository. */
export interface GitHubWorkflow {
  id: number;
  name: string;
  /**
   * The file, e.g. `.github/workflows/ci.yml`. GitHub also lists "dynamic" workflows it runs itself (CodeQL,
   * Dependabot: `dynamic/...`) whose path is no file in the repository.
   */
  path: string;
  state: WorkflowState;
}

/** A run's or a job's status. `unknown` stands for a value this client does not know yet. */
export type GitHubRunStatus =
  'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending' | 'unknown';

/** A workflow run (one trigger of one workflow), as discovery needs it. */
export interface GitHubWorkflowRun {
  id: number;
  name: string | null;
  workflowId: number;
  /** The workflow file, when GitHub says. */
  path: string | null;
  status: GitHubRunStatus;
  event: string | null;
  headBranch: string | null;
  /** ISO 8601, or null when GitHub left it out. */
  createdAt: string | null;
  /** The run's `repository.private`: its visibility now, or null when GitHub left it out. */
  repositoryPrivate: boolean | null;
}

/** A job of a workflow run: what a runner takes. */
export interface GitHubWorkflowJob {
  id: number;
  runId: number;
  name: string | null;
  /** The workflow's name and the job's page, when GitHub says (for people). */
  workflowName?: string | null;
  htmlUrl?: string | null;
  /** When a runner took it and when it ended (ISO 8601), once it has. */
  startedAt?: string | null;
  completedAt?: string | null;
  status: GitHubRunStatus;
  conclusion: string | null;
  /** The job's `runs-on` labels after expression evaluation, as GitHub matches them (case-insensitively). */
  labels: string[];
  /** Null until a runner takes the job. */
  runnerId: number | null;
  runnerName: string | null;
  /**
   * ISO 8601. GitHub's own example of a job lacks `created_at`: then `started_at` (which GitHub reports as the
   * creation time until a runner starts the job), else null.
   */
  createdAt: string | null;
}
