import type {
  JobAssignment,
  JobResult,
  RunnerCredentials,
  RunnerMessage,
} from '@gha-ephemeral/stand-in-runner';
import { MAX_POLL_WAIT_MS } from '@gha-ephemeral/stand-in-runner';
import { randomHex, randomToken } from '../state/ids.js';
import { scopeKey } from '../state/store.js';
import type { SimStore } from '../state/store.js';
import type { IssuedToken, JobConclusion, RunnerScope, SimRunner, SimSession } from '../state/types.js';
import { buildLabels } from './labels.js';
import { signAdminJwt } from './admin-jwt.js';
import { assignJob, completeJob, runnerMatchesJob } from './jobs.js';

/** An error of the runner service, with the HTTP status and a stable code the stand-in runner branches on. */
export class RunnerServiceError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code:
      | 'bad_credentials'
      | 'not_found'
      | 'runner_not_found'
      | 'session_not_found'
      | 'session_conflict'
      | 'name_conflict'
      | 'invalid'
      | 'job_not_held',
    message: string,
  ) {
    super(message);
    this.name = 'RunnerServiceError';
  }
}

/** What a new runner registration asks for. */
export interface NewRunner {
  name: string;
  labels: readonly string[];
  noDefaultLabels: boolean;
  ephemeral: boolean;
  runnerGroupId: number;
  workFolder: string;
  configuredBy: SimRunner['configuredBy'];
  /** The runner scale set it belongs to (Actions service `generatejitconfig`). */
  scaleSetId?: number;
}

const HOUR_MS = 3_600_000;
/** A job log is kept to its end, bounded, so a step that floods its output cannot exhaust the simulator. */
const MAX_LOG_CHARS = 1_000_000;
const RESULT_TO_CONCLUSION: Record<JobResult, JobConclusion> = {
  succeeded: 'success',
  failed: 'failure',
  cancelled: 'cancelled',
};

/**
 * The runner side of the simulated GitHub: tokens, registrations, sessions, the long poll that hands out
 * jobs, completion, and the sweep that turns silent runners offline.
 */
export class RunnerService {
  /** Signs the admin JWTs; a fresh key per simulator, so tokens of another simulator never pass. */
  private readonly adminKey = randomHex(32);

  constructor(private readonly store: SimStore) {}

  /**
   * Issues a registration or remove token (one hour) or a runner-admin token for a scope. The admin token is
   * a JWT whose `exp` clients read to refresh it; it lives `adminTokenLifetimeMs` (default one hour).
   */
  issueToken(kind: IssuedToken['kind'], scope: RunnerScope): IssuedToken {
    const now = Date.now();
    const admin = kind === 'runner-admin';
    const expiresAt = now + (admin ? this.store.actions.adminTokenLifetimeMs : HOUR_MS);
    const token = admin ? signAdminJwt(this.adminKey, scope, now, expiresAt) : randomToken();
    const issued: IssuedToken = { token, kind, scope, expiresAt };
    this.store.issued.set(issued.token, issued);
    return issued;
  }

  /** Makes every runner-admin token expire now (clients must trade a registration token again). */
  expireAdminTokens(): number {
    let count = 0;
    for (const issued of this.store.issued.values()) {
      if (issued.kind !== 'runner-admin' || issued.expiresAt <= Date.now()) continue;
      issued.expiresAt = Date.now() - 1;
      count += 1;
    }
    return count;
  }

  /** Finds a live issued token of one of `kinds`, or undefined when unknown or expired. */
  validToken(token: string, kinds: readonly IssuedToken['kind'][]): IssuedToken | undefined {
    const issued = this.store.issued.get(token);
    if (!issued || !kinds.includes(issued.kind) || issued.expiresAt <= Date.now()) return undefined;
    return issued;
  }

  /** Creates a runner registration; 409 when the name is taken in that scope (unless `replace` and idle). */
  addRunner(scope: RunnerScope, spec: NewRunner, replace = false): SimRunner {
    const name = spec.name.trim();
    if (!name || name.length > 64)
      throw new RunnerServiceError(422, 'invalid', 'Runner name must have 1 to 64 characters');
    const existing = this.store.runnerByName(scope, name);
    if (existing && (!replace || existing.jobId !== null)) {
      throw new RunnerServiceError(
        409,
        'name_conflict',
        `Already exists - A runner with the name ${name} already exists.`,
      );
    }
    if (existing) this.deleteRunner(existing);
    const runner: SimRunner = {
      id: this.store.ids.take('runner'),
      name,
      scope,
      labels: buildLabels(this.store, spec.labels, spec.noDefaultLabels),
      runnerGroupId: spec.runnerGroupId,
      ephemeral: spec.ephemeral,
      secret: randomHex(32),
      workFolder: spec.workFolder,
      createdAt: new Date().toISOString(),
      jobId: null,
      session: null,
      configuredBy: spec.configuredBy,
      os: spec.configuredBy === 'jit' ? 'unknown' : 'Linux',
      scaleSetId: spec.scaleSetId ?? null,
    };
    this.store.runners.set(runner.id, runner);
    this.store.changed();
    return runner;
  }

  /** The credentials a configured runner keeps; `serverUrl` is the runner service's base URL. */
  credentialsOf(runner: SimRunner, serverUrl: string, gitHubUrl: string): RunnerCredentials {
    return {
      serverUrl,
      runnerId: runner.id,
      runnerName: runner.name,
      secret: runner.secret,
      ephemeral: runner.ephemeral,
      workFolder: runner.workFolder,
      gitHubUrl,
    };
  }

  /** Removes a runner registration and its session. A job it still held fails, as on GitHub. */
  deleteRunner(runner: SimRunner): void {
    this.closeSession(runner);
    this.store.runners.delete(runner.id);
    this.store.changed();
  }

  /** The runner a secret authenticates, or 401. */
  authenticate(secret: string | undefined): SimRunner {
    const runner = secret ? this.store.runnerBySecret(secret) : undefined;
    if (!runner) throw new RunnerServiceError(401, 'bad_credentials', 'Bad credentials');
    return runner;
  }

  /** Opens a session. An open session that is still polling makes a second one conflict (409). */
  createSession(runner: SimRunner): SimSession {
    if (runner.session && this.store.isOnline(runner)) {
      throw new RunnerServiceError(409, 'session_conflict', 'A session for this runner already exists.');
    }
    const now = Date.now();
    runner.os = 'Linux';
    runner.session = {
      id: randomHex(16),
      runnerId: runner.id,
      createdAt: now,
      lastSeenAt: now,
      activePolls: 0,
      nextMessageId: 1,
      cancellations: [],
    };
    this.store.changed();
    return runner.session;
  }

  /** The runner's open session with this id, or 404. */
  requireSession(runner: SimRunner, sessionId: string): SimSession {
    if (!this.store.runners.has(runner.id))
      throw new RunnerServiceError(404, 'runner_not_found', 'Runner not found');
    if (runner.session?.id !== sessionId)
      throw new RunnerServiceError(404, 'session_not_found', 'Session not found');
    return runner.session;
  }

  /** Closes the runner's session; a job it still held fails. */
  closeSession(runner: SimRunner): void {
    if (!runner.session) return;
    runner.session = null;
    const job = runner.jobId === null ? undefined : this.store.jobs.get(runner.jobId);
    if (job) completeJob(this.store, job, job.cancelRequested ? 'cancelled' : 'failure');
    this.store.changed();
  }

  private nextMessage(runner: SimRunner, session: SimSession): RunnerMessage | undefined {
    const cancelled = session.cancellations.shift();
    if (cancelled !== undefined)
      return { type: 'JobCancellation', messageId: session.nextMessageId++, jobId: cancelled };
    if (runner.jobId !== null) return undefined;
    const queued = [...this.store.jobs.values()]
      .filter((j) => j.status === 'queued' && runnerMatchesJob(this.store, runner, j))
      .sort((a, b) => a.id - b.id)[0];
    if (!queued) return undefined;
    assignJob(this.store, queued, runner);
    const repo = this.store.repoById(queued.repoId);
    const run = this.store.runs.get(queued.runId);
    const job: JobAssignment = {
      id: queued.id,
      runId: queued.runId,
      name: queued.name,
      repository: repo ? this.store.fullName(repo) : '',
      workflowName: run?.name ?? '',
      labels: [...queued.labels],
      durationMs: queued.durationMs,
      result: queued.outcome === 'failure' ? 'failed' : 'succeeded',
      ...(queued.steps ? { steps: queued.steps.map((step) => ({ ...step })) } : {}),
    };
    return { type: 'JobRequest', messageId: session.nextMessageId++, job };
  }

  /**
   * The long poll: answers at once with a pending cancellation or a matching queued job (assigning it), else
   * waits up to `waitMs` for one; `undefined` when none came. A runner counts as online while it waits.
   */
  async poll(
    runner: SimRunner,
    sessionId: string,
    waitMs: number,
    signal: AbortSignal,
  ): Promise<RunnerMessage | undefined> {
    const session = this.requireSession(runner, sessionId);
    const deadline = Date.now() + Math.min(Math.max(0, waitMs), MAX_POLL_WAIT_MS);
    session.activePolls += 1;
    try {
      for (;;) {
        this.requireSession(runner, sessionId);
        if (signal.aborted) return undefined;
        const message = this.nextMessage(runner, session);
        if (message) return message;
        const remaining = deadline - Date.now();
        if (remaining <= 0) return undefined;
        await this.waitForChange(remaining, signal);
      }
    } finally {
      session.activePolls -= 1;
      session.lastSeenAt = Date.now();
    }
  }

  private waitForChange(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        unsubscribe();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const unsubscribe = this.store.subscribe(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Records a job's end (and its log) as the runner reports it; an ephemeral runner is then unregistered. */
  completeJob(runner: SimRunner, jobId: number, result: JobResult, log?: string): { runnerDeleted: boolean } {
    const job = this.store.jobs.get(jobId);
    if (!job || runner.jobId !== jobId)
      throw new RunnerServiceError(409, 'job_not_held', `Job ${jobId} is not held by this runner`);
    if (log !== undefined) job.log = log.slice(-MAX_LOG_CHARS);
    completeJob(this.store, job, job.cancelRequested ? 'cancelled' : RESULT_TO_CONCLUSION[result]);
    if (runner.session) runner.session.lastSeenAt = Date.now();
    if (!runner.ephemeral) return { runnerDeleted: false };
    this.deleteRunner(runner);
    return { runnerDeleted: true };
  }

  /** Closes the sessions of runners that stopped polling; their held jobs fail. */
  sweep(now = Date.now()): void {
    for (const runner of this.store.runners.values()) {
      if (runner.session && !this.store.isOnline(runner, now)) this.closeSession(runner);
    }
  }

  /** Runner scopes as strings, for logs. */
  describe(runner: SimRunner): string {
    return `${runner.name} (${scopeKey(runner.scope)})`;
  }
}
