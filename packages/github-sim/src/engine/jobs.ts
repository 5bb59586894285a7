import { repoKey, scopeKey } from '../state/store.js';
import type { SimStore } from '../state/store.js';
import type {
  JobConclusion,
  JobStatus,
  SimJob,
  SimRepo,
  SimRun,
  SimRunner,
  SimWorkflow,
} from '../state/types.js';
import { SimInputError } from './errors.js';

/** One job of a run to queue. */
export interface QueueJobSpec {
  /** Job name (default `build`). */
  name?: string;
  /** `runs-on` labels; a runner must have all of them (case-insensitive). */
  labels: string[];
  /** How long a stand-in runner runs it (default 1000 ms). */
  durationMs?: number;
  /** The conclusion the runner reports when the job ends normally (default `success`). */
  conclusion?: 'success' | 'failure';
  /** Initial status: `queued` (default) or `waiting` (an environment awaits approval). */
  status?: 'queued' | 'waiting';
  /**
   * `run:` steps (a script, or `{name?, run}`): the runner runs each with `sh -c` in its container and the job
   * concludes from their exit status; `durationMs` and `conclusion` are then not used. Written to the workflow file.
   */
  steps?: (string | { name?: string; run: string })[];
}

/** A run to queue. */
export interface QueueRunSpec {
  /** `owner/name`. */
  repo: string;
  /** Workflow name; the workflow (and its file) is created when the repository has none of that name. */
  workflowName?: string;
  event?: string;
  jobs: QueueJobSpec[];
}

const DEFAULT_DURATION_MS = 1000;

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'workflow'
  );
}

/** The steps of a job spec as the runner gets them; null when none were given; throws on a malformed one. */
export function normalizeSteps(steps: QueueJobSpec['steps']): SimJob['steps'] {
  if (steps === undefined) return null;
  if (!Array.isArray(steps)) throw new SimInputError('steps must be a list');
  return steps.map((step, i) => {
    const run = typeof step === 'string' ? step : step?.run;
    const name = typeof step === 'object' && typeof step.name === 'string' ? step.name : `Run step ${i + 1}`;
    if (typeof run !== 'string' || run.trim() === '')
      throw new SimInputError('every step needs a non-empty run script');
    return { name, run };
  });
}

function stepsYaml(steps: NonNullable<SimJob['steps']>): string {
  // A literal block keeps any script intact; JSON strings are valid YAML scalars for the name.
  return steps
    .map((s) => {
      const script = s.run.replace(/\n$/, '').split('\n').join('\n          ');
      return `      - name: ${JSON.stringify(s.name)}\n        run: |\n          ${script}\n`;
    })
    .join('');
}

function workflowYaml(name: string, jobs: QueueJobSpec[]): string {
  const body = jobs
    .map((j, i) => {
      const runsOn =
        j.labels.length === 1
          ? JSON.stringify(j.labels[0])
          : `[${j.labels.map((l) => JSON.stringify(l)).join(', ')}]`;
      const given = normalizeSteps(j.steps);
      const steps = given ? stepsYaml(given) : '      - run: echo hello\n';
      return `  ${slug(j.name ?? `job-${i + 1}`)}:\n    runs-on: ${runsOn}\n    steps:\n${steps}`;
    })
    .join('');
  return `name: ${name}\non: [push, workflow_dispatch]\njobs:\n${body}`;
}

/** Finds the repository of an `owner/name` string or throws a {@link SimInputError}. */
export function requireRepo(store: SimStore, fullName: string): SimRepo {
  const [owner, name, extra] = fullName.split('/');
  const repo = owner && name && extra === undefined ? store.repo(owner, name) : undefined;
  if (!repo) throw new SimInputError(`repository ${JSON.stringify(fullName)} does not exist`);
  return repo;
}

function ensureWorkflow(store: SimStore, repo: SimRepo, name: string, jobs: QueueJobSpec[]): SimWorkflow {
  const existing = store.workflowsOf(repo.id).find((w) => w.name === name);
  if (existing) return existing;
  let path = `.github/workflows/${slug(name)}.yml`;
  for (let i = 2; repo.files.has(path); i += 1) path = `.github/workflows/${slug(name)}-${i}.yml`;
  store.putFile(repo, path, workflowYaml(name, jobs));
  const now = new Date().toISOString();
  const workflow: SimWorkflow = {
    id: store.ids.take('workflow'),
    repoId: repo.id,
    name,
    path,
    state: 'active',
    createdAt: now,
    updatedAt: now,
  };
  store.workflows.set(workflow.id, workflow);
  return workflow;
}

/** Queues a workflow run with its jobs; returns the run and its jobs. */
export function queueRun(store: SimStore, spec: QueueRunSpec): { run: SimRun; jobs: SimJob[] } {
  const repo = requireRepo(store, spec.repo);
  if (spec.jobs.length === 0) throw new SimInputError('a run needs at least one job');
  for (const j of spec.jobs) {
    if (
      !Array.isArray(j.labels) ||
      j.labels.length === 0 ||
      !j.labels.every((l) => typeof l === 'string' && l)
    ) {
      throw new SimInputError('every job needs a non-empty list of labels');
    }
    normalizeSteps(j.steps);
  }
  const workflow = ensureWorkflow(store, repo, spec.workflowName ?? 'CI', spec.jobs);
  const now = new Date().toISOString();
  const runNumber = [...store.runs.values()].filter((r) => r.workflowId === workflow.id).length + 1;
  const run: SimRun = {
    id: store.ids.take('run'),
    repoId: repo.id,
    workflowId: workflow.id,
    runNumber,
    name: workflow.name,
    event: spec.event ?? 'push',
    headBranch: repo.defaultBranch,
    headSha: repo.headSha,
    status: 'queued',
    conclusion: null,
    actor: repo.owner,
    createdAt: now,
    updatedAt: now,
    runStartedAt: now,
  };
  store.runs.set(run.id, run);
  const jobs = spec.jobs.map((j, i): SimJob => {
    const job: SimJob = {
      id: store.ids.take('job'),
      runId: run.id,
      repoId: repo.id,
      name: j.name ?? (spec.jobs.length === 1 ? 'build' : `job-${i + 1}`),
      labels: [...j.labels],
      status: j.status ?? 'queued',
      conclusion: null,
      createdAt: now,
      startedAt: null,
      completedAt: null,
      runnerId: null,
      runnerName: null,
      runnerGroupId: null,
      runnerGroupName: null,
      durationMs: Math.max(0, j.durationMs ?? DEFAULT_DURATION_MS),
      outcome: j.conclusion ?? 'success',
      cancelRequested: false,
      steps: normalizeSteps(j.steps),
      log: null,
      scaleSet: null,
    };
    store.jobs.set(job.id, job);
    return job;
  });
  rollupRun(store, run);
  for (const job of jobs) store.emitJob(job.status === 'waiting' ? 'waiting' : 'queued', job);
  store.changed();
  return { run, jobs };
}

/** Recomputes a run's status and conclusion from its jobs, as GitHub does. */
export function rollupRun(store: SimStore, run: SimRun): void {
  const jobs = [...store.jobs.values()].filter((j) => j.runId === run.id);
  const has = (s: JobStatus): boolean => jobs.some((j) => j.status === s);
  let status: JobStatus = 'queued';
  let conclusion: JobConclusion | null = null;
  if (jobs.every((j) => j.status === 'completed')) {
    status = 'completed';
    const cs = jobs.map((j) => j.conclusion);
    conclusion = cs.includes('cancelled') ? 'cancelled' : cs.includes('failure') ? 'failure' : 'success';
  } else if (has('in_progress') || jobs.some((j) => j.status === 'completed')) status = 'in_progress';
  else if (has('queued')) status = 'queued';
  else if (has('waiting')) status = 'waiting';
  if (status !== run.status || conclusion !== run.conclusion) {
    run.status = status;
    run.conclusion = conclusion;
    run.updatedAt = new Date().toISOString();
  }
}

/** Whether `runner` may take `job`: the job's repository is in the runner's scope and it has all the job's labels. */
export function runnerMatchesJob(store: SimStore, runner: SimRunner, job: SimJob): boolean {
  const repo = store.repoById(job.repoId);
  if (!repo) return false;
  const inScope =
    runner.scope.kind === 'repo'
      ? scopeKey(runner.scope) === `repo:${repoKey(repo.owner, repo.name)}`
      : runner.scope.org.toLowerCase() === repo.owner.toLowerCase();
  if (!inScope) return false;
  // A scale set's runners take only the jobs assigned to their set, and such jobs go to nobody else.
  if (runner.scaleSetId !== null || job.scaleSet) {
    return job.scaleSet?.state === 'assigned' && job.scaleSet.scaleSetId === runner.scaleSetId;
  }
  const have = new Set(runner.labels.map((l) => l.name.toLowerCase()));
  return job.labels.every((l) => have.has(l.toLowerCase()));
}

function touchRun(store: SimStore, job: SimJob): void {
  const run = store.runs.get(job.runId);
  if (run) rollupRun(store, run);
}

/** Hands a queued job to a runner: in progress, runner fields set, runner busy. */
export function assignJob(store: SimStore, job: SimJob, runner: SimRunner): void {
  job.status = 'in_progress';
  job.startedAt = new Date().toISOString();
  job.runnerId = runner.id;
  job.runnerName = runner.name;
  job.runnerGroupId = runner.runnerGroupId;
  job.runnerGroupName = 'Default';
  runner.jobId = job.id;
  touchRun(store, job);
  store.emitJob('in_progress', job);
  store.changed();
}

/** Completes a job with a conclusion and frees its runner. */
export function completeJob(store: SimStore, job: SimJob, conclusion: JobConclusion): void {
  if (job.status === 'completed') return;
  const now = new Date().toISOString();
  job.status = 'completed';
  job.conclusion = conclusion;
  job.startedAt ??= now;
  job.completedAt = now;
  const runner = job.runnerId === null ? undefined : store.runners.get(job.runnerId);
  if (runner?.jobId === job.id) runner.jobId = null;
  touchRun(store, job);
  store.emitJob('completed', job);
  store.changed();
}

/**
 * Cancels a job. A job no runner holds completes as cancelled at once; a running job is flagged and its
 * runner told through its session, and it completes when the runner reports back.
 */
export function cancelJob(store: SimStore, jobId: number): boolean {
  const job = store.jobs.get(jobId);
  if (!job || job.status === 'completed') return false;
  const runner = job.runnerId === null ? undefined : store.runners.get(job.runnerId);
  if (job.status !== 'in_progress' || !runner?.session) {
    completeJob(store, job, 'cancelled');
    return true;
  }
  job.cancelRequested = true;
  runner.session.cancellations.push(job.id);
  store.changed();
  return true;
}

/** Moves a `waiting` job (awaiting an environment approval) to `queued`. */
export function approveJob(store: SimStore, jobId: number): boolean {
  const job = store.jobs.get(jobId);
  if (job?.status !== 'waiting') return false;
  job.status = 'queued';
  touchRun(store, job);
  store.emitJob('queued', job);
  store.changed();
  return true;
}
