import { RunnerExit, statusName } from './errors.js';
import { TransportError, requestJson, sleep } from './http.js';
import { runSteps } from './job-steps.js';
import type { JsonResponse } from './http.js';
import { RUNNER_VERSION, stamp } from './log.js';
import type { LogSink } from './log.js';
import type {
  CompleteJobResponse,
  CreateSessionResponse,
  JobAssignment,
  JobResult,
  JobStep,
  RunnerCredentials,
  RunnerMessage,
} from './protocol.js';

/** Tuning of the listener. */
export interface ListenerOptions {
  /** Long-poll wait per request; default 20 s. */
  pollWaitMs: number;
  /** Pause after a failed request; default 1 s. */
  retryDelayMs: number;
  /** Give up after this many failures in a row; default 60. */
  maxConsecutiveErrors: number;
  /** The environment of a job's steps; default the runner's own. */
  stepEnv?: NodeJS.ProcessEnv;
}

/** A job's end as the runner reports it. */
interface JobEnd {
  result: JobResult;
  log?: string;
}

/** How often the listener polls (for a cancellation) while steps run, so it notices their end promptly. */
const STEP_POLL_MS = 1000;

/** How a listener run ended. */
export interface ListenResult {
  exitCode: number;
  reason: 'job-done' | 'signal' | 'runner-deleted';
  jobs: { id: number; name: string; result: JobResult }[];
}

const RESULT_WORDS: Record<JobResult, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Canceled',
};

/** The runner's listener: one session, a long poll for jobs, each job "run" for its duration and reported. */
export class Listener {
  private sessionId: string | undefined;
  private errors = 0;
  /** The jobs this listener has finished, in order. */
  readonly jobs: ListenResult['jobs'] = [];
  private readonly auth: Record<string, string>;

  constructor(
    private readonly creds: RunnerCredentials,
    private readonly log: LogSink,
    private readonly options: ListenerOptions,
    private readonly signal: AbortSignal,
  ) {
    this.auth = { authorization: `Bearer ${creds.secret}` };
  }

  private async call(
    method: string,
    path: string,
    opts: { body?: unknown; timeoutMs?: number } = {},
  ): Promise<JsonResponse> {
    return requestJson(`${this.creds.serverUrl}${path}`, {
      method,
      headers: this.auth,
      signal: this.signal,
      ...opts,
    });
  }

  /** Counts a failure and pauses; throws once failures in a row pass the bound. */
  private async failed(what: string): Promise<void> {
    this.errors += 1;
    if (this.errors >= this.options.maxConsecutiveErrors)
      throw new RunnerExit(1, `${what}; giving up after ${this.errors} attempts`);
    await sleep(this.options.retryDelayMs * Math.min(this.errors, 5), this.signal);
  }

  private gone(res: JsonResponse): boolean {
    const code = (res.body as { code?: string } | undefined)?.code;
    return res.status === 401 || (res.status === 404 && code === 'runner_not_found');
  }

  private async openSession(): Promise<void> {
    while (!this.signal.aborted) {
      let res: JsonResponse;
      try {
        res = await this.call('POST', '/sessions', { body: { ownerName: this.creds.runnerName } });
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        await this.failed(error.message);
        continue;
      }
      if (res.status === 201) {
        this.sessionId = (res.body as CreateSessionResponse).sessionId;
        this.errors = 0;
        return;
      }
      if (this.gone(res))
        throw new RunnerExit(
          1,
          'Runner registration has been deleted from the server, please re-configure. Runner exiting.',
        );
      // 409: a previous session of ours has not timed out yet; the real runner waits and retries too.
      await this.failed(`Could not create a session: ${statusName(res.status)}`);
    }
  }

  /** One long poll; undefined when nothing came (or the session had to be re-opened). */
  private async poll(waitMs: number): Promise<RunnerMessage | undefined> {
    let res: JsonResponse;
    try {
      res = await this.call(
        'GET',
        `/sessions/${this.sessionId ?? ''}/messages?waitMs=${Math.max(0, Math.round(waitMs))}`,
        {
          timeoutMs: waitMs + 15_000,
        },
      );
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      await this.failed(error.message);
      return undefined;
    }
    if (res.status === 200) {
      this.errors = 0;
      return res.body as RunnerMessage;
    }
    if (res.status === 204) {
      this.errors = 0;
      return undefined;
    }
    if (this.gone(res))
      throw new RunnerExit(
        1,
        'Runner registration has been deleted from the server, please re-configure. Runner exiting.',
      );
    if (res.status === 404) {
      this.sessionId = undefined;
      await this.openSession();
      return undefined;
    }
    await this.failed(`Polling for messages failed: ${statusName(res.status)}`);
    return undefined;
  }

  private async runJob(job: JobAssignment): Promise<JobEnd | undefined> {
    this.log(`${stamp()}: Running job: ${job.name}`);
    if (job.steps && job.steps.length > 0) return this.runJobSteps(job, job.steps);
    const deadline = Date.now() + job.durationMs;
    while (Date.now() < deadline) {
      if (this.signal.aborted) return undefined;
      const message = await this.poll(Math.min(deadline - Date.now(), this.options.pollWaitMs));
      if (message?.type === 'JobCancellation' && message.jobId === job.id) return { result: 'cancelled' };
    }
    return { result: job.result };
  }

  /** Runs the steps while polling, so a cancellation (or the runner's stop) kills them. */
  private async runJobSteps(job: JobAssignment, steps: JobStep[]): Promise<JobEnd | undefined> {
    const stop = new AbortController();
    const abort = (): void => stop.abort();
    this.signal.addEventListener('abort', abort, { once: true });
    let done = false;
    let cancelled = false;
    const running = runSteps(steps, {
      env: this.options.stepEnv ?? process.env,
      cwd: this.creds.workFolder,
      signal: stop.signal,
    }).finally(() => {
      done = true;
    });
    while (!done && !this.signal.aborted) {
      const message = await this.poll(STEP_POLL_MS);
      if (message?.type === 'JobCancellation' && message.jobId === job.id) {
        cancelled = true;
        stop.abort();
      }
    }
    const outcome = await running;
    this.signal.removeEventListener('abort', abort);
    if (this.signal.aborted) return undefined;
    return { result: cancelled ? 'cancelled' : (outcome.result ?? 'cancelled'), log: outcome.log };
  }

  private async complete(job: JobAssignment, end: JobEnd): Promise<boolean> {
    for (;;) {
      try {
        const res = await this.call('POST', `/jobs/${job.id}/complete`, { body: end });
        if (res.status === 200) return (res.body as CompleteJobResponse).runnerDeleted;
        if (res.status < 500)
          throw new RunnerExit(1, `Could not report job ${job.name}: ${statusName(res.status)}`);
        await this.failed(`Reporting job ${job.name} failed: ${statusName(res.status)}`);
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        await this.failed(error.message);
      }
      if (this.signal.aborted) return false;
    }
  }

  /** Runs until one job is done (ephemeral), the signal aborts, or the registration disappears. */
  async run(): Promise<ListenResult> {
    const jobs = this.jobs;
    await this.openSession();
    if (this.signal.aborted) return { exitCode: 0, reason: 'signal', jobs };
    this.log('√ Connected to GitHub');
    this.log('');
    this.log(`Current runner version: '${RUNNER_VERSION}'`);
    this.log(`${stamp()}: Listening for Jobs`);
    while (!this.signal.aborted) {
      const message = await this.poll(this.options.pollWaitMs);
      if (message?.type !== 'JobRequest') continue;
      const end = await this.runJob(message.job);
      if (end === undefined) break;
      const deleted = await this.complete(message.job, end);
      jobs.push({ id: message.job.id, name: message.job.name, result: end.result });
      this.log(`${stamp()}: Job ${message.job.name} completed with result: ${RESULT_WORDS[end.result]}`);
      if (this.creds.ephemeral || deleted) {
        this.sessionId = undefined;
        return { exitCode: 0, reason: 'job-done', jobs };
      }
    }
    return { exitCode: 0, reason: 'signal', jobs };
  }

  /** Closes the session (best effort, bounded), as the runner does when it stops. */
  async close(timeoutMs = 500): Promise<void> {
    const id = this.sessionId;
    this.sessionId = undefined;
    if (!id) return;
    await requestJson(`${this.creds.serverUrl}/sessions/${id}`, {
      method: 'DELETE',
      headers: this.auth,
      timeoutMs,
    }).catch(() => undefined);
  }
}
