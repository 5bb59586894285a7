/**
 * The wire protocol between a stand-in runner and the GitHub simulator. It follows the shape of the real
 * runner's conversation with GitHub (registration over `actions/runner-registration`, a session, a long poll
 * for messages, a job completion), simplified to JSON over plain HTTP. packages/github-sim/README.md documents it.
 */

/** `POST {apiUrl}/actions/runner-registration` request body, sent with `Authorization: RemoteAuth <token>`. */
export interface RunnerRegistrationRequest {
  /** The web URL of the scope: `https://HOST/OWNER/REPO` or `https://HOST/ORG`. */
  url: string;
  runner_event: 'register' | 'remove';
}

/** The answer to {@link RunnerRegistrationRequest}: where the runner service lives and a token for it. */
export interface RunnerRegistrationResponse {
  /** Base URL of the runner service (the simulator's `/_runner`). */
  url: string;
  /** A short-lived admin token for the runner service, bound to the scope. Never logged. */
  token: string;
  token_schema: 'OAuthAccessToken';
}

/** `POST {serviceUrl}/agents` request body, sent with `Authorization: Bearer <admin token>`. */
export interface AddAgentRequest {
  name: string;
  labels: string[];
  ephemeral: boolean;
  noDefaultLabels: boolean;
  workFolder: string;
  /** Runner group name; `Default` when absent. */
  runnerGroup?: string;
  /** Replace a runner of the same name instead of failing with 409 (`config.sh --replace`). */
  replace?: boolean;
  version: string;
}

/** A runner as the runner service describes it. */
export interface AgentView {
  id: number;
  name: string;
  labels: string[];
  ephemeral: boolean;
  runnerGroupId: number;
}

/** What a configured runner keeps (the real runner's `.runner` and `.credentials` files). */
export interface RunnerCredentials {
  /** Base URL of the runner service. */
  serverUrl: string;
  runnerId: number;
  runnerName: string;
  /** The runner's own secret; authenticates the session calls. Never logged. */
  secret: string;
  ephemeral: boolean;
  workFolder: string;
  /** The scope's web URL, for logs. */
  gitHubUrl: string;
}

/** `POST {serviceUrl}/agents` answer. */
export interface AddAgentResponse {
  runner: AgentView;
  credentials: RunnerCredentials;
}

/** `POST {serviceUrl}/sessions` answer (request body `{ownerName}`, `Authorization: Bearer <secret>`). */
export interface CreateSessionResponse {
  sessionId: string;
  runner: AgentView;
}

/** A `run:` step of a job: a shell script the runner runs with `sh -c`. */
export interface JobStep {
  name: string;
  run: string;
}

/** A job handed to a runner. */
export interface JobAssignment {
  id: number;
  runId: number;
  name: string;
  repository: string;
  workflowName: string;
  labels: string[];
  /** How long the simulated job "runs". */
  durationMs: number;
  /** What the runner should report when the job ends normally. */
  result: JobResult;
  /**
   * The job's `run:` steps. When present the runner runs them (`sh -c`, in order, stopping at the first that
   * fails) instead of waiting `durationMs`, and their exit status decides the result.
   */
  steps?: JobStep[];
}

/** A job's outcome as the runner reports it. */
export type JobResult = 'succeeded' | 'failed' | 'cancelled';

/** A message from `GET {serviceUrl}/sessions/{id}/messages?waitMs=N` (204 when none came in time). */
export type RunnerMessage =
  | { type: 'JobRequest'; messageId: number; job: JobAssignment }
  | { type: 'JobCancellation'; messageId: number; jobId: number };

/** `POST {serviceUrl}/jobs/{jobId}/complete` request body. */
export interface CompleteJobRequest {
  result: JobResult;
  /** The steps' output (bounded), as the runner uploads a job's log. */
  log?: string;
}

/** `POST {serviceUrl}/jobs/{jobId}/complete` answer. */
export interface CompleteJobResponse {
  /** True when the runner was ephemeral and its registration is now gone. */
  runnerDeleted: boolean;
}

/** The longest long poll the service honours. */
export const MAX_POLL_WAIT_MS = 50_000;
