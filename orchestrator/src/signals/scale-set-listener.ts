import { isAppError } from '@gha-ephemeral/contract';
import type {
  ActionsServiceClient,
  JobMessage,
  RunnerScaleSet,
  ScaleSetMessage,
  ScaleSetSession,
} from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import { backoffDelayMs, sleep } from '@gha-ephemeral/primitives';
import type { ScaleSetDemand } from './scale-set-demand.js';
import type { SessionJournal } from './session-journal.js';

/** What the listener needs of GitHub's Actions service, declared here where it is used. */
export type ScaleSetService = Pick<
  ActionsServiceClient,
  | 'runnerGroup'
  | 'findScaleSet'
  | 'createScaleSet'
  | 'updateScaleSet'
  | 'createSession'
  | 'refreshSession'
  | 'deleteSession'
  | 'getMessage'
  | 'deleteMessage'
  | 'acquireJobs'
>;

/** One scale-set pool, as its listener registers it. */
export interface ListenedPool {
  pool: string;
  name: string;
  runnerGroup: string;
  /** The scale set's labels: its name first. */
  labels: readonly string[];
  /** Sent as `X-ScaleSetMaxCapacity`: GitHub assigns no more jobs than this at once. */
  max: number;
}

export interface ScaleSetListenerOptions {
  service: ScaleSetService;
  pool: ListenedPool;
  /** The session's `ownerName`: the orchestrator id, so GitHub's UI and a second install can tell who holds it. */
  ownerName: string;
  demand: ScaleSetDemand;
  sessions: SessionJournal;
  /** Called after GitHub's word was recorded: the reconciler acts on it (until `signal`, the listener's, aborts). */
  onDemand: (signal: AbortSignal) => void;
  /** Told of each job message, for people (the dashboard's recent jobs). */
  onJob?: (pool: string, job: JobMessage) => void;
  /** Told of each session's queue token, so that the logs can redact it. */
  onSecret?: (secret: string) => void;
  logger: Logger;
  /** How long to wait before asking again while another listener holds the session (default 30 s). */
  conflictRetryMs?: number;
  /** Delays between failed attempts (default 1 s doubling to 60 s, ±20 %). */
  backoff?: { baseMs: number; maxMs: number };
}

/** Closing the session on stop must not hold the shutdown for long. */
const CLOSE_DEADLINE_MS = 5_000;

const sameLabels = (set: RunnerScaleSet, labels: readonly string[]) => {
  const have = new Set(set.labels.map((label) => label.name.toLowerCase()));
  return have.size === labels.length && labels.every((label) => have.has(label.toLowerCase()));
};

const isCode = (error: unknown, ...codes: string[]) => isAppError(error) && codes.includes(error.code);

/**
 * One scale set's listener, as ARC's: it registers the pool as a scale set (created if missing, its labels updated,
 * never deleted), opens the message session (waiting, never crash-looping, while another orchestrator holds it),
 * long-polls the queue, and writes what GitHub says into the demand before acknowledging it. It never touches
 * Docker: the reconciler, nudged, acts.
 */
export class ScaleSetListener {
  readonly #o: ScaleSetListenerOptions;
  readonly #log: Logger;
  #failures = 0;

  constructor(options: ScaleSetListenerOptions) {
    this.#o = options;
    this.#log = options.logger.child({ scaleSet: options.pool.name, pool: options.pool.pool });
  }

  /** Listens until `signal` aborts; then closes the session so another listener can take over at once. */
  async run(signal: AbortSignal): Promise<void> {
    const { demand, pool } = this.#o;
    while (!signal.aborted) {
      try {
        const set = await this.#ensureScaleSet(signal);
        const session = await this.#openSession(set, signal);
        if (session === null) break;
        await this.#listen(set, session, signal);
      } catch (error) {
        if (signal.aborted) break;
        await this.#failed(error, signal);
      }
    }
    // Stopped while backing off after a failure: the session it left is still open; close it for the next one.
    const id = demand.scaleSetId(pool.pool);
    const left = id === null ? undefined : this.#o.sessions.get(id);
    if (id !== null && left !== undefined) await this.#close(id, left);
    demand.setState(pool.pool, 'stopped');
  }

  async #failed(error: unknown, signal: AbortSignal): Promise<void> {
    this.#failures += 1;
    const detail = error instanceof Error ? error.message : String(error);
    this.#o.demand.setState(this.#o.pool.pool, 'failing', detail);
    const lasting = isAppError(error) && !error.retryable;
    const { baseMs, maxMs } = this.#o.backoff ?? { baseMs: 1_000, maxMs: 60_000 };
    const delay = backoffDelayMs(this.#failures, { baseMs, maxMs: lasting ? maxMs * 5 : maxMs });
    const log =
      this.#failures === 1 || lasting ? this.#log.warn.bind(this.#log) : this.#log.debug.bind(this.#log);
    log(
      { err: error, retryInMs: delay, failures: this.#failures },
      'scale-set listener failed; trying again',
    );
    await sleep(delay, signal);
  }

  /** Finds the scale set, creates it if missing, and brings its labels in line with the pool's. */
  async #ensureScaleSet(signal: AbortSignal): Promise<RunnerScaleSet> {
    const { service, pool, demand } = this.#o;
    const group = await service.runnerGroup(pool.runnerGroup, signal);
    if (group === null) {
      throw new Error(
        `GitHub has no runner group "${pool.runnerGroup}" here: create it, or set the pool's scaleSet.runnerGroup`,
      );
    }
    let set = await service.findScaleSet(group.id, pool.name, signal);
    if (set === null) {
      set = await service.createScaleSet(
        { name: pool.name, runnerGroupId: group.id, labels: pool.labels },
        signal,
      );
      this.#log.info(
        { category: 'SUCCESS', scaleSetId: set.id, labels: pool.labels },
        'scale set registered',
      );
    } else if (!sameLabels(set, pool.labels)) {
      set = await service.updateScaleSet(set, pool.labels, signal);
      this.#log.info(
        { category: 'INFO', scaleSetId: set.id, labels: pool.labels },
        'scale set labels updated',
      );
    }
    demand.setScaleSetId(pool.pool, set.id);
    return set;
  }

  /**
   * Opens the session. A session this install left open (a crash) is closed first; one held by another listener
   * is waited out: said once in the log, and in `/health` all along. Null when stopped meanwhile.
   */
  async #openSession(set: RunnerScaleSet, signal: AbortSignal): Promise<ScaleSetSession | null> {
    const { service, sessions, pool, demand, ownerName } = this.#o;
    const stale = sessions.get(set.id);
    if (stale !== undefined) {
      await service.deleteSession(set.id, stale, signal).catch((error: unknown) => {
        if (!isCode(error, 'github.not_found')) throw error;
      });
      sessions.closed(set.id);
      this.#log.info({ category: 'INFO' }, 'closed the session this orchestrator left open');
    }
    let waits = 0;
    while (!signal.aborted) {
      try {
        const session = await service.createSession(set.id, ownerName, signal);
        this.#o.onSecret?.(session.messageQueueAccessToken);
        sessions.opened(set.id, session.sessionId);
        return session;
      } catch (error) {
        if (!isCode(error, 'github.session_conflict')) throw error;
        const detail = `another listener holds the session of scale set "${pool.name}" (an orchestrator with the same scale set, or this one before a crash); waiting for it to end`;
        demand.setState(pool.pool, 'conflict', detail);
        if (waits === 0) this.#log.warn({ category: 'WARNING' }, detail);
        waits += 1;
        await sleep(this.#o.conflictRetryMs ?? 30_000, signal);
      }
    }
    return null;
  }

  /** Polls, records, acknowledges, until stopped; the session is refreshed when its token expires. */
  async #listen(set: RunnerScaleSet, opened: ScaleSetSession, signal: AbortSignal): Promise<void> {
    const { service, pool, demand } = this.#o;
    let session = opened;
    let lastMessageId = 0;
    demand.record(pool.pool, session.statistics ?? null, false);
    demand.setState(pool.pool, 'listening');
    this.#log.info({ category: 'SUCCESS', scaleSetId: set.id }, 'listening for jobs of the scale set');
    this.#o.onDemand(signal);
    let refreshed = false;
    try {
      while (!signal.aborted) {
        let message: ScaleSetMessage | null;
        try {
          message = await service.getMessage(session, lastMessageId, pool.max, signal);
        } catch (error) {
          // Refreshed once, and still refused: not a token that expired; back off like any failure.
          if (!isCode(error, 'github.unauthorized') || signal.aborted || refreshed) throw error;
          session = await service.refreshSession(set.id, session.sessionId, signal);
          this.#o.onSecret?.(session.messageQueueAccessToken);
          refreshed = true;
          continue;
        }
        // A poll answered: the session works, so the next failure backs off from the start again.
        refreshed = false;
        this.#failures = 0;
        if (demand.state(pool.pool) !== 'listening') demand.setState(pool.pool, 'listening');
        if (message === null) continue;
        await this.#handle(set, message, signal);
        session = await this.#acknowledge(set, session, message.messageId, signal);
        lastMessageId = message.messageId;
      }
    } finally {
      if (signal.aborted) await this.#close(set.id, session.sessionId);
    }
  }

  /** Acknowledges a message; a queue token that expired during the poll is refreshed first. The session in use. */
  async #acknowledge(
    set: RunnerScaleSet,
    session: ScaleSetSession,
    messageId: number,
    signal: AbortSignal,
  ): Promise<ScaleSetSession> {
    const { service } = this.#o;
    try {
      await service.deleteMessage(session, messageId, signal);
      return session;
    } catch (error) {
      if (!isCode(error, 'github.unauthorized') || signal.aborted) throw error;
      const refreshed = await service.refreshSession(set.id, session.sessionId, signal);
      this.#o.onSecret?.(refreshed.messageQueueAccessToken);
      await service.deleteMessage(refreshed, messageId, signal);
      return refreshed;
    }
  }

  /** What one message says: jobs to acquire (GHES), runners busy or done, and the statistics (the demand). */
  async #handle(set: RunnerScaleSet, message: ScaleSetMessage, signal: AbortSignal): Promise<void> {
    const { service, pool, demand } = this.#o;
    if (message.problem !== null) {
      this.#log.warn(
        { category: 'WARNING', messageId: message.messageId, problem: message.problem },
        'a scale-set message could not be read; acknowledged, so that it does not block the ones after it',
      );
    }
    const available = message.jobs.filter((job) => job.messageType === 'JobAvailable');
    if (available.length > 0) {
      const ids = available.map((job) => job.runnerRequestId);
      await service.acquireJobs(set.id, ids, signal).catch((error: unknown) => {
        // Retried with the message; refused for good: GitHub offers the jobs again, so the queue goes on.
        if (!isAppError(error) || error.retryable) throw error;
        this.#log.warn({ category: 'WARNING', err: error }, 'could not acquire offered jobs');
      });
    }
    for (const job of message.jobs) {
      this.#o.onJob?.(pool.pool, job);
      if (job.runnerName === undefined) continue;
      if (job.messageType === 'JobStarted') demand.jobStarted(pool.pool, job.runnerName);
      if (job.messageType === 'JobCompleted') demand.jobCompleted(pool.pool, job.runnerName);
    }
    demand.record(pool.pool, message.statistics, true);
    this.#log.debug(
      { messageId: message.messageId, jobs: message.jobs.length, statistics: message.statistics },
      'scale-set message',
    );
    this.#o.onDemand(signal);
  }

  async #close(scaleSetId: number, sessionId: string): Promise<void> {
    try {
      await this.#o.service.deleteSession(scaleSetId, sessionId, AbortSignal.timeout(CLOSE_DEADLINE_MS));
      this.#o.sessions.closed(scaleSetId);
    } catch (error) {
      this.#log.warn(
        { err: error },
        'could not close the scale-set session; GitHub expires it in a few minutes',
      );
    }
  }
}
