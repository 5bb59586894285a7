import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  backoffDelay,
  engineMessage,
  readEngineClock,
  readJsonLines,
  type BackoffOptions,
  type LabelFilter,
  type RuntimeEvent,
  type RuntimeLogger,
} from '@gha-ephemeral/runtime-docker';
import type Dockerode from 'dockerode';
import type { DescribedRunner } from './runner-mapping.js';
import { RunnerTracker } from './runner-tracker.js';

/** How often the watch lists the runners. */
export interface WatchIntervals {
  /** While a runner has not ended: task changes on other nodes raise no event here, so they are polled for. */
  liveMs: number;
  /** Otherwise: a resync in case an event was missed. */
  idleMs: number;
}

/** What {@link watchRunners} needs. */
export interface WatchContext {
  docker: Dockerode;
  logger: RuntimeLogger;
  backoff: BackoffOptions;
  intervals: WatchIntervals;
  /** Bound on connecting the engine's event stream. */
  requestTimeoutMs: number;
  /** The runners that match the filter, described (one bounded listing). */
  listRunners(filter: LabelFilter, signal: AbortSignal): Promise<DescribedRunner[]>;
}

// Listings never follow each other closer than this, however many engine events arrive.
const MIN_GAP_MS = 100;

/**
 * The port's events on a Swarm. The Docker event API reports services and nodes but not their tasks' states nor
 * exit codes, so the watch lists the runners (services and their tasks) and reports the differences
 * ({@link RunnerTracker}): at once when the engine reports a service, node or container event, every
 * `intervals.liveMs` while a runner is live, every `intervals.idleMs` otherwise. A listing that fails is logged
 * and retried with backoff; the first success after a failure yields `resumed`. Ends when `signal` aborts or the
 * consumer stops iterating.
 */
export async function* watchRunners(
  context: WatchContext,
  filter: LabelFilter,
  signal: AbortSignal,
): AsyncGenerator<RuntimeEvent> {
  const stop = new AbortController();
  const stopped = AbortSignal.any([signal, stop.signal]);
  const wake = new Wakeup();
  const following = followEngineEvents(context, stopped, () => wake.notify());
  try {
    const clockSignal = AbortSignal.any([stopped, AbortSignal.timeout(context.requestTimeoutMs)]);
    // Runners created from here on are new: all of their life is reported.
    const since = await readEngineClock(context, clockSignal).catch(() => null);
    const tracker = new RunnerTracker(since === null ? null : Number(since / 1_000_000n));
    let failures = 0;
    while (!stopped.aborted) {
      let listing: DescribedRunner[];
      try {
        listing = await context.listRunners(filter, stopped);
      } catch (error) {
        if (stopped.aborted) return;
        failures += 1;
        context.logger.warn({ reason: engineMessage(error) }, 'listing swarm runners failed; retrying');
        await wake.wait(backoffDelay(context.backoff, failures), stopped);
        continue;
      }
      if (failures > 0) {
        failures = 0;
        context.logger.info({}, 'listing swarm runners works again');
        yield { type: 'resumed' };
      }
      for (const event of tracker.next(listing)) yield event;
      await sleepUnlessAborted(MIN_GAP_MS, stopped);
      await wake.wait(tracker.hasLive() ? context.intervals.liveMs : context.intervals.idleMs, stopped);
    }
  } finally {
    stop.abort();
    await following;
  }
}

/**
 * Calls `onEvent` for each service, node or Swarm task container event of the engine, reconnecting with backoff
 * until `signal` aborts. Never throws. Events only wake the watch: what changed is read from the listing.
 */
async function followEngineEvents(context: WatchContext, signal: AbortSignal, onEvent: () => void) {
  let failures = 0;
  while (!signal.aborted) {
    const request = new AbortController();
    const connectTimer = setTimeout(() => request.abort(), context.requestTimeoutMs);
    const onAbort = () => request.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let stream: Readable | undefined;
    let connectedAt: number | undefined;
    try {
      stream = (await context.docker.getEvents({
        filters: { type: ['service', 'node', 'container'] },
        abortSignal: request.signal,
      } as unknown as Dockerode.GetEventsOptions)) as Readable;
      clearTimeout(connectTimer);
      connectedAt = Date.now();
      for await (const { value } of readJsonLines(stream)) {
        if (isRunnerRelated(value)) onEvent();
      }
    } catch (error) {
      if (!signal.aborted)
        context.logger.debug({ reason: engineMessage(error) }, 'swarm event stream failed');
    } finally {
      clearTimeout(connectTimer);
      signal.removeEventListener('abort', onAbort);
      stream?.destroy();
    }
    if (signal.aborted) return;
    // Something may have happened while the stream was down: look now.
    onEvent();
    failures =
      connectedAt !== undefined && Date.now() - connectedAt > context.backoff.maxMs ? 1 : failures + 1;
    await sleepUnlessAborted(backoffDelay(context.backoff, failures), signal);
  }
}

/** Service and node events, and events of containers that belong to a Swarm task. */
function isRunnerRelated(value: unknown): boolean {
  const event = value as { Type?: string; Actor?: { Attributes?: Record<string, string> } } | null;
  if (event?.Type === 'service' || event?.Type === 'node') return true;
  return event?.Type === 'container' && event.Actor?.Attributes?.['com.docker.swarm.task.id'] !== undefined;
}

/** A one-slot signal: `wait` ends early when `notify` was called since the last wait began. */
class Wakeup {
  private pending = false;
  private resolve: (() => void) | undefined;

  notify(): void {
    this.pending = true;
    this.resolve?.();
  }

  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    const woken = new Promise<void>((resolve) => (this.resolve = resolve));
    const timer = new AbortController();
    try {
      await Promise.race([woken, sleepUnlessAborted(ms, AbortSignal.any([signal, timer.signal]))]);
    } finally {
      timer.abort();
      this.resolve = undefined;
      this.pending = false;
    }
  }
}

async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // Aborted: the caller's loop ends.
  }
}
