import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type Dockerode from 'dockerode';
import { toLabelFilters } from './container-mapping.js';
import { engineMessage } from './docker-errors.js';
import { formatSince, parseRfc3339Nano, readTimeNano, toRuntimeEvent } from './event-mapping.js';
import { readJsonLines } from './json-lines.js';
import type { RuntimeLogger } from './logger.js';
import type { LabelFilter, RuntimeEvent } from './runtime.js';

/** Delays between reconnection attempts: exponential from `initialMs`, capped at `maxMs`, jittered. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/**
 * How far back a reconnection asks the engine to replay, before the newest event seen: the engine stamps events
 * where they happen and may deliver one a little after a later-stamped one, so the newest time seen is not a line
 * below which everything has arrived. What the overlap sends again is dropped by its line.
 */
const REPLAY_OVERLAP_NS = 2_000_000_000n;
/** Event lines remembered to drop repeats: far more than a replay overlap holds. */
const REMEMBERED_EVENTS = 4_096;

/** What {@link streamRuntimeEvents} needs. */
export interface EventStreamContext {
  docker: Dockerode;
  logger: RuntimeLogger;
  engineAddress: string;
  backoff: BackoffOptions;
  /** Bound on connecting (reading the engine's clock, then until the event stream answers); not on the stream. */
  requestTimeoutMs: number;
}

/**
 * The engine's container events for containers with all the filter's labels, reconnecting until `signal` aborts.
 * The first connection asks for events since the engine's own clock at the start (so nothing between "iteration
 * began" and "the engine registered the stream" is lost, and client clock skew does not matter); each
 * reconnection asks for events since a little before the newest one seen, and drops any the engine sends twice
 * (by the event's whole line). Events are never dropped for arriving out of time order.
 */
export async function* streamRuntimeEvents(
  context: EventStreamContext,
  filter: LabelFilter,
  signal: AbortSignal,
): AsyncGenerator<RuntimeEvent> {
  const { docker, logger } = context;
  let cursor: bigint | null = null;
  let failures = 0;
  // Insertion-ordered: the oldest line is forgotten first.
  const seen = new Set<string>();
  while (!signal.aborted) {
    let stream: Readable | undefined;
    let connectedAt: number | undefined;
    // Our own controller: the caller's signal ends the stream at any time, the connect timeout only before the
    // engine answers (a timeout on the whole request would cut every healthy stream after requestTimeoutMs).
    const request = new AbortController();
    const connectTimer = setTimeout(() => request.abort(), context.requestTimeoutMs);
    const onAbort = (): void => {
      request.abort();
      stream?.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      cursor ??= await readEngineClock(context, request.signal);
      const options = {
        filters: {
          type: ['container'],
          event: ['start', 'die', 'destroy'],
          label: toLabelFilters(filter.labels),
        },
        abortSignal: request.signal,
        ...(cursor === null ? {} : { since: formatSince(replayFrom(cursor, seen.size > 0)) }),
      };
      // Docker accepts `since` as `seconds.nanoseconds`; the typings only know whole seconds.
      stream = (await docker.getEvents(options as unknown as Dockerode.GetEventsOptions)) as Readable;
      clearTimeout(connectTimer);
      connectedAt = Date.now();
      if (failures > 0) {
        logger.info({ engine: context.engineAddress }, 'docker event stream reconnected');
        yield { type: 'resumed' };
      }
      for await (const { text, value } of readJsonLines(stream)) {
        if (seen.has(text)) continue;
        seen.add(text);
        if (seen.size > REMEMBERED_EVENTS) seen.delete(seen.values().next().value!);
        const timeNano = readTimeNano(text);
        if (timeNano !== null && (cursor === null || timeNano > cursor)) cursor = timeNano;
        const event = toRuntimeEvent(value);
        if (event !== null) yield event;
      }
      if (signal.aborted) return;
      logger.warn({ engine: context.engineAddress }, 'docker event stream ended; reconnecting');
    } catch (error) {
      if (signal.aborted) return;
      const reason =
        connectedAt === undefined && request.signal.aborted ? 'no answer in time' : engineMessage(error);
      logger.warn({ engine: context.engineAddress, reason }, 'docker event stream failed; reconnecting');
    } finally {
      clearTimeout(connectTimer);
      signal.removeEventListener('abort', onAbort);
      stream?.destroy();
    }
    // A stream that stayed up for a while was healthy: start the backoff over. One that keeps ending at once
    // (an engine that accepts and hangs up) backs off further each time.
    failures =
      connectedAt !== undefined && Date.now() - connectedAt > context.backoff.maxMs ? 1 : failures + 1;
    await sleepUnlessAborted(backoffDelay(context.backoff, failures), signal);
  }
}

/** Where a connection starts: at the engine's clock the first time, a little before the newest event after that. */
function replayFrom(cursor: bigint, reconnecting: boolean): bigint {
  if (!reconnecting) return cursor;
  return cursor > REPLAY_OVERLAP_NS ? cursor - REPLAY_OVERLAP_NS : 0n;
}

/** The engine's current time in nanoseconds, or null when it does not say (then the first connection has no `since`). */
export async function readEngineClock(
  context: Pick<EventStreamContext, 'docker'>,
  abortSignal: AbortSignal,
): Promise<bigint | null> {
  // dockerode's `info` takes options at run time; its typings say it does not.
  const info = (await (context.docker.info as (options: object) => Promise<unknown>).call(context.docker, {
    abortSignal,
  })) as { SystemTime?: unknown } | null;
  return typeof info?.SystemTime === 'string' ? parseRfc3339Nano(info.SystemTime) : null;
}

/** Jittered exponential backoff: between half and all of `initialMs * 2^(failures-1)`, capped at `maxMs`. */
export function backoffDelay(backoff: BackoffOptions, failures: number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // Aborted: the loop condition ends the stream.
  }
}
