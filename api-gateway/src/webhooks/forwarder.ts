import { setTimeout as sleep } from 'node:timers/promises';
import { isAppError, type WorkflowJobEvent } from '@gha-ephemeral/contract';
import type { Logger } from '@gha-ephemeral/logging';
import { backoffDelayMs } from '@gha-ephemeral/primitives';
import type { OrchestratorPort } from '../upstream/orchestrator-client.js';

/** The orchestrator's route for `workflow_job` events. */
export const WORKFLOW_JOBS_PATH = '/internal/v1/workflow-jobs';

/** How one event's hand-over ended. */
export type ForwardResult = 'delivered' | 'rejected' | 'failed' | 'abandoned';

/** Options of {@link WebhookForwarder}. */
export interface WebhookForwarderOptions {
  orchestrator: OrchestratorPort;
  logger: Logger;
  /** Most events held (waiting or in flight); beyond it `enqueue` refuses. Default 1,000. */
  capacity?: number;
  /** Events handed over at once. Default 8. */
  concurrency?: number;
  /** Attempts per event, the first included. Default 4. */
  attempts?: number;
  /** The first retry's delay; it doubles each time, with jitter. Default 500 ms. */
  retryBaseMs?: number;
  /** Told how each event ended and how many attempts it took (metrics). */
  onResult?: (result: ForwardResult, attempts: number) => void;
}

interface Entry {
  event: WorkflowJobEvent;
  requestId: string;
}

/** Whether a failed attempt may succeed when repeated: the orchestrator was unreachable, slow, or answered 5xx. */
function isTransient(statusOrError: unknown): boolean {
  if (typeof statusOrError === 'number') return statusOrError >= 500;
  return isAppError(statusOrError) && statusOrError.retryable;
}

/**
 * Hands `workflow_job` events to the orchestrator in the background, after the gateway has answered GitHub. The
 * queue is bounded (a full queue refuses, and the gateway answers 503 so the delivery shows as failed on GitHub
 * and can be redelivered); a few events go at once, but the events of one job go in order (`queued` before
 * `completed`). An unreachable orchestrator or a 5xx is retried with backoff; a repeat is harmless because the
 * orchestrator ignores a delivery id it has seen. What is still lost is caught by the orchestrator's poller.
 */
export class WebhookForwarder {
  readonly #options: WebhookForwarderOptions;
  readonly #capacity: number;
  readonly #concurrency: number;
  readonly #waiting: Entry[] = [];
  /** The last hand-over of each job with events in the queue: the next event of that job waits for it. */
  readonly #jobTails = new Map<number, Promise<void>>();
  readonly #controller = new AbortController();
  readonly #idleWaiters: (() => void)[] = [];
  #active = 0;
  #held = 0;
  #closed = false;

  constructor(options: WebhookForwarderOptions) {
    this.#options = options;
    this.#capacity = options.capacity ?? 1000;
    this.#concurrency = options.concurrency ?? 8;
  }

  /** Events waiting or in flight. */
  get depth(): number {
    return this.#held;
  }

  /** Queues an event; false when the queue is full or closing (the caller answers 503). */
  enqueue(event: WorkflowJobEvent, requestId: string): boolean {
    if (this.#closed || this.#held >= this.#capacity) return false;
    this.#held += 1;
    this.#waiting.push({ event, requestId });
    this.#pump();
    return true;
  }

  /** Resolves when nothing is waiting or in flight. */
  idle(): Promise<void> {
    if (this.#held === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Stops taking events and waits up to `graceMs` for those held; whatever is left is abandoned (logged) and
   * left to the orchestrator's poller.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.#closed = true;
    const timer = sleep(graceMs, undefined, { ref: false }).then(() => 'timeout' as const);
    if ((await Promise.race([this.idle().then(() => 'idle' as const), timer])) === 'timeout') {
      this.#controller.abort();
      await this.idle();
    }
  }

  #pump(): void {
    while (this.#active < this.#concurrency && this.#waiting.length > 0) {
      const entry = this.#waiting.shift()!;
      this.#active += 1;
      const jobId = entry.event.job.id;
      const previous = this.#jobTails.get(jobId) ?? Promise.resolve();
      const done = previous.then(() => this.#deliver(entry));
      this.#jobTails.set(jobId, done);
      void done.finally(() => {
        if (this.#jobTails.get(jobId) === done) this.#jobTails.delete(jobId);
        this.#active -= 1;
        this.#held -= 1;
        if (this.#held === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
        this.#pump();
      });
    }
  }

  async #deliver({ event, requestId }: Entry): Promise<void> {
    const { orchestrator, logger } = this.#options;
    const attempts = this.#options.attempts ?? 4;
    const baseMs = this.#options.retryBaseMs ?? 500;
    const log = logger.child({ delivery: event.deliveryId, job: event.job.id, action: event.action });
    const signal = this.#controller.signal;
    for (let attempt = 1; ; attempt += 1) {
      // An HTTP status the orchestrator answered, or the error that kept it from answering.
      let failure: unknown;
      try {
        const response = await orchestrator.request(
          { method: 'POST', path: WORKFLOW_JOBS_PATH, body: event, requestId, kind: 'write' },
          { signal },
        );
        if (response.statusCode >= 200 && response.statusCode < 300) {
          const outcome = (response.json as { outcome?: unknown } | undefined)?.outcome;
          log.debug({ outcome, attempts: attempt }, 'workflow job event handed to the orchestrator');
          this.#options.onResult?.('delivered', attempt);
          return;
        }
        failure = response.statusCode;
      } catch (error) {
        failure = error;
      }
      const fields = typeof failure === 'number' ? { status: failure } : { err: failure };
      if (signal.aborted) {
        log.warn(
          { category: 'WARNING', ...fields },
          'gateway stopping: workflow job event abandoned; the poller will catch it',
        );
        this.#options.onResult?.('abandoned', attempt);
        return;
      }
      if (!isTransient(failure)) {
        const hint =
          failure === 401
            ? 'the orchestrator refused the gateway: set the same ORCHESTRATOR_API_TOKEN on both'
            : undefined;
        log.error({ category: 'ERROR', ...fields, hint }, 'the orchestrator refused a workflow job event');
        this.#options.onResult?.('rejected', attempt);
        return;
      }
      if (attempt >= attempts) {
        log.error(
          { category: 'ERROR', ...fields, attempts: attempt },
          'could not hand a workflow job event to the orchestrator; the poller will catch it',
        );
        this.#options.onResult?.('failed', attempt);
        return;
      }
      log.warn({ ...fields, attempt }, 'handing a workflow job event to the orchestrator failed; retrying');
      const delay = backoffDelayMs(attempt, { baseMs, maxMs: Number.POSITIVE_INFINITY });
      await sleep(delay, undefined, { signal }).catch(() => undefined);
    }
  }
}
