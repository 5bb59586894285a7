import type { ScaleSetJobRequest } from './scale-set-types.js';

/** Status of a workflow job or run, as GitHub spells it. */
export type JobStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';

/** Conclusion of a completed job or run. */
export type JobConclusion =
  'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

/** A user, organization or bot account. Logins compare case-insensitively, as on GitHub. */
export interface SimAccount {
  id: number;
  login: string;
  type: 'User' | 'Organization' | 'Bot';
  /** Organization members (lower-cased logins); all are treated as admins. */
  members: Set<string>;
}

/** What an API token stands for. */
export interface SimToken {
  token: string;
  login: string;
  /** Classic OAuth scopes; `undefined` grants everything (like a fine-grained token with full access). */
  scopes: string[] | undefined;
  /** Set for a GitHub App installation token: the account it is installed on and, optionally, its repositories. */
  installation: { account: string; repositories: string[] | undefined } | undefined;
  rate: { limit: number; used: number; resetAt: number };
  /** When the token stops working (an installation token: after its App's token lifetime); undefined means never. */
  expiresAt?: number | undefined;
  /** Set for a token minted by `POST /app/installations/{id}/access_tokens`. */
  minted?: MintedToken | undefined;
}

/** Where an installation token came from and how it was used: what a test reads to see a client refresh it. */
export interface MintedToken {
  appId: number;
  installationId: number;
  /** Epoch ms. */
  issuedAt: number;
  /** Requests it authenticated. */
  accepted: number;
  /** Requests refused with 401 `Bad credentials` because it had expired. */
  refusedExpired: number;
}

/** A file in a repository's default branch. */
export interface SimFile {
  content: string;
  sha: string;
}

/** A repository. */
export interface SimRepo {
  id: number;
  owner: string;
  name: string;
  description: string | null;
  private: boolean;
  archived: boolean;
  disabled: boolean;
  defaultBranch: string;
  headSha: string;
  createdAt: string;
  updatedAt: string;
  files: Map<string, SimFile>;
}

/** A workflow, backed by a file under `.github/workflows/`. */
export interface SimWorkflow {
  id: number;
  repoId: number;
  name: string;
  path: string;
  state: 'active' | 'disabled_manually' | 'disabled_inactivity' | 'deleted' | 'disabled_fork';
  createdAt: string;
  updatedAt: string;
}

/** A workflow run. Its status and conclusion follow its jobs. */
export interface SimRun {
  id: number;
  repoId: number;
  workflowId: number;
  runNumber: number;
  name: string;
  event: string;
  headBranch: string;
  headSha: string;
  status: JobStatus;
  conclusion: JobConclusion | null;
  actor: string;
  createdAt: string;
  updatedAt: string;
  runStartedAt: string;
}

/** A workflow job. */
export interface SimJob {
  id: number;
  runId: number;
  repoId: number;
  name: string;
  labels: string[];
  status: JobStatus;
  conclusion: JobConclusion | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  runnerId: number | null;
  runnerName: string | null;
  runnerGroupId: number | null;
  runnerGroupName: string | null;
  /** How long a stand-in runner "runs" it. */
  durationMs: number;
  /** The conclusion a runner reports when the job ends normally. */
  outcome: 'success' | 'failure';
  cancelRequested: boolean;
  /** `run:` steps the runner executes; null for a job that only "runs" for `durationMs`. */
  steps: { name: string; run: string }[] | null;
  /** The log the runner reported with the job's end, or null. */
  log: string | null;
  /** Set while (and after) the job is assigned to a runner scale set; null for ordinary runners' jobs. */
  scaleSet: ScaleSetJobRequest | null;
}

/** Where a runner is registered. */
export type RunnerScope = { kind: 'repo'; owner: string; repo: string } | { kind: 'org'; org: string };

/** A runner label. */
export interface SimLabel {
  id: number;
  name: string;
  type: 'read-only' | 'custom';
}

/** An open runner session: the runner is online while it polls. */
export interface SimSession {
  id: string;
  runnerId: number;
  createdAt: number;
  lastSeenAt: number;
  activePolls: number;
  nextMessageId: number;
  cancellations: number[];
}

/** A self-hosted runner registration. */
export interface SimRunner {
  id: number;
  name: string;
  scope: RunnerScope;
  labels: SimLabel[];
  runnerGroupId: number;
  ephemeral: boolean;
  secret: string;
  workFolder: string;
  createdAt: string;
  jobId: number | null;
  session: SimSession | null;
  /** `unknown` for a JIT runner until it first connects (as GitHub reports it), then `Linux`. */
  os: 'Linux' | 'unknown';
  /** JIT runners and registered runners alike; kept for the control API. */
  configuredBy: 'jit' | 'registration';
  /** The runner scale set it belongs to (it then takes only jobs assigned to that set), or null. */
  scaleSetId: number | null;
}

/** A token issued by the registration-token and remove-token endpoints, or a runner-service admin token. */
export interface IssuedToken {
  token: string;
  kind: 'registration' | 'remove' | 'runner-admin';
  scope: RunnerScope;
  expiresAt: number;
}
