import type { SimStore } from '../state/store.js';
import type { JobConclusion, JobStatus, SimJob, SimRunner, SimToken } from '../state/types.js';

/** A job as the control API shows it. */
export interface JobView {
  id: number;
  runId: number;
  /** `owner/name`. */
  repo: string;
  name: string;
  workflowName: string;
  labels: string[];
  status: JobStatus;
  conclusion: JobConclusion | null;
  runnerId: number | null;
  runnerName: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  durationMs: number;
  /** The job's current runner scale set request, or null when it is left to ordinary runners. */
  scaleSet: { scaleSetId: number; runnerRequestId: number; state: string; attempt: number } | null;
}

/** A runner as the control API shows it. */
export interface RunnerView {
  id: number;
  name: string;
  /** `{repo: 'owner/name'}` or `{org: 'name'}`. */
  scope: ScopeRef;
  status: 'online' | 'offline';
  busy: boolean;
  ephemeral: boolean;
  labels: string[];
  runnerGroupId: number;
  /** The job it holds, if any. */
  jobId: number | null;
  configuredBy: 'jit' | 'registration';
  createdAt: string;
  /** The runner scale set it belongs to, or null. */
  scaleSetId: number | null;
}

/** An installation token minted by `POST /app/installations/{id}/access_tokens` (never the token itself). */
export interface InstallationTokenView {
  appId: number;
  installationId: number;
  issuedAt: string;
  /** As announced in `expires_at`; from then on the token is refused. */
  expiresAt: string;
  /** Requests it authenticated. */
  accepted: number;
  /** Requests refused with 401 `Bad credentials` because it had expired. */
  refusedExpired: number;
}

/** A runner scope in the control API. */
export type ScopeRef = { repo: string } | { org: string };

/** A job's control view. */
export function jobView(store: SimStore, job: SimJob): JobView {
  const repo = store.repoById(job.repoId);
  return {
    id: job.id,
    runId: job.runId,
    repo: repo ? store.fullName(repo) : '',
    name: job.name,
    workflowName: store.runs.get(job.runId)?.name ?? '',
    labels: [...job.labels],
    status: job.status,
    conclusion: job.conclusion,
    runnerId: job.runnerId,
    runnerName: job.runnerName,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    completedAt: job.completedAt,
    durationMs: job.durationMs,
    scaleSet: job.scaleSet
      ? {
          scaleSetId: job.scaleSet.scaleSetId,
          runnerRequestId: job.scaleSet.runnerRequestId,
          state: job.scaleSet.state,
          attempt: job.scaleSet.attempt,
        }
      : null,
  };
}

/** A runner's control view. */
export function runnerView(store: SimStore, runner: SimRunner): RunnerView {
  return {
    id: runner.id,
    name: runner.name,
    scope:
      runner.scope.kind === 'repo'
        ? { repo: `${runner.scope.owner}/${runner.scope.repo}` }
        : { org: runner.scope.org },
    status: store.isOnline(runner) ? 'online' : 'offline',
    busy: runner.jobId !== null,
    ephemeral: runner.ephemeral,
    labels: runner.labels.map((l) => l.name),
    runnerGroupId: runner.runnerGroupId,
    jobId: runner.jobId,
    configuredBy: runner.configuredBy,
    createdAt: runner.createdAt,
    scaleSetId: runner.scaleSetId,
  };
}

/** The control view of a minted installation token; undefined for any other token. */
export function installationTokenView(token: SimToken): InstallationTokenView | undefined {
  const { minted, expiresAt } = token;
  if (!minted || expiresAt === undefined) return undefined;
  return {
    appId: minted.appId,
    installationId: minted.installationId,
    issuedAt: new Date(minted.issuedAt).toISOString(),
    expiresAt: new Date(expiresAt).toISOString(),
    accepted: minted.accepted,
    refusedExpired: minted.refusedExpired,
  };
}
