import type { GitHubScope } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import { sleep } from '@gha-ephemeral/primitives';
import type { DemandBook } from './signals/demand-book.js';
import type { JobPoller } from './signals/job-poller.js';
import type { Reconciler } from './control/reconciler.js';
import type { ScaleSetListener } from './signals/scale-set-listener.js';
import type { RunnerService } from './fleet/runner-service.js';
import { runUpkeep } from './control/upkeep.js';
import type { OrphanRegistrations } from './control/orphan-registrations.js';
import type { RunnerReaper } from './fleet/runner-reaper.js';

export interface Loops {
  /** Stops every loop and waits for the current pass to end. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` now and then again after `interval()` ms (with ±10% jitter so that several orchestrators do not
 * align), one pass at a time, until `signal` aborts. A failed pass is logged and the loop goes on.
 */
export async function every(
  interval: () => number,
  signal: AbortSignal,
  logger: Logger,
  name: string,
  pass: () => Promise<void>,
): Promise<void> {
  while (!signal.aborted) {
    try {
      await pass();
    } catch (error) {
      if (signal.aborted) break;
      logger.warn({ err: error, loop: name }, 'loop pass failed; will try again');
    }
    await sleep(interval() * (0.9 + Math.random() * 0.2), signal);
  }
}

/** Automatic mode's parts, when `AUTO_CREATE_RUNNERS=true`. */
export interface AutoMode {
  poller: JobPoller;
  reconciler: Reconciler;
  /** Queued jobs from both the poller and webhooks. */
  book: DemandBook;
  /** One per scale-set pool: GitHub's word on what each needs. */
  listeners: readonly ScaleSetListener[];
  /** False when every pool is a scale set: the check loop then only reconciles. */
  polls: boolean;
  /** The scopes scale sets are registered in: the purge looks for orphaned registrations there too. */
  scaleSetScopes: readonly GitHubScope[];
  checkIntervalMs: number;
  /** The delay before the next poll given GitHub's rate limit (grows as the remaining budget falls). */
  nextPollDelayMs?: (baseMs: number) => number;
}

/**
 * The orchestrator's background work: follow Docker's events to reap exited runners at once; in every mode, sweep
 * for any that were missed, remove stuck runners and orphaned registrations (every `purgeIntervalSeconds`, and at
 * once on start, to clean up after a crash); retry registrations GitHub would not delete yet; and, in automatic
 * mode, poll GitHub for queued jobs and reconcile.
 */
export function startLoops(options: {
  runners: RunnerService;
  /** The fleet's reaper (exits, registrations GitHub would not delete yet) and its orphan purge. */
  reaper: Pick<RunnerReaper, 'watch' | 'retryPending' | 'sweep'>;
  orphans: Pick<OrphanRegistrations, 'purge'>;
  logger: Logger;
  purgeIntervalSeconds: number;
  /** `RUNNER_START_TIMEOUT`: a runner not online by then is stuck. */
  startTimeoutMs: number;
  auto: AutoMode | null;
  /** Sweeps what the runtime itself may leave (a Swarm's orphaned secrets); how many it removed. */
  sweepRuntime?: (signal: AbortSignal) => Promise<number>;
  /** Run automatic mode's check loop (default true). */
  autoCheck?: boolean;
}): Loops {
  const controller = new AbortController();
  const { signal } = controller;
  const { runners, logger, auto } = options;
  // The purge removes runners only once a poll has told it what is queued (or when no check loop runs here).
  let polled = options.autoCheck === false || auto?.polls === false;
  const listening = (auto?.listeners ?? []).map((listener) => listener.run(signal));

  const watch = (async () => {
    while (!signal.aborted) {
      try {
        await options.reaper.watch(signal);
      } catch (error) {
        if (signal.aborted) break;
        logger.warn({ err: error }, 'the Docker event stream failed; reconnecting');
      }
      await sleep(1000, signal);
    }
  })();
  const sweep = every(
    () => options.purgeIntervalSeconds * 1000,
    signal,
    logger,
    'purge',
    async () => {
      const result = await runUpkeep({
        runners,
        reaper: options.reaper,
        orphans: options.orphans,
        logger,
        startTimeoutMs: options.startTimeoutMs,
        extraScopes: [
          ...(auto?.book.demand().map((entry) => entry.scope) ?? []),
          ...(auto?.scaleSetScopes ?? []),
        ],
        signal,
      });
      const secrets = (await options.sweepRuntime?.(signal)) ?? 0;
      if (result.ended + result.stuck + result.orphans + secrets > 0)
        logger.info({ category: 'MONITOR', ...result, secrets }, 'cleaned up runners');
      // Idle runners beyond the queued jobs are removed only on a demand a poll has confirmed.
      if (auto && polled) {
        await auto.reconciler.reconcile(() => auto.book.demand(), { signal, removalsOnly: true });
      }
    },
  );
  const retry = every(
    () => 5000,
    signal,
    logger,
    'retry',
    () => options.reaper.retryPending(signal),
  );
  const check =
    auto && options.autoCheck !== false
      ? every(
          () => auto.nextPollDelayMs?.(auto.checkIntervalMs) ?? auto.checkIntervalMs,
          signal,
          logger,
          'check',
          async () => {
            if (auto.polls) {
              const started = Date.now();
              const demand = await auto.poller.poll(signal);
              auto.book.replace(demand, started);
              polled = true;
              const queued = demand.reduce((sum, d) => sum + d.jobs.length, 0);
              logger.debug({ category: 'MONITOR', queued, scopes: demand.length }, 'polled queued jobs');
            }
            await auto.reconciler.reconcile(() => auto.book.demand(), { signal });
          },
        )
      : Promise.resolve();
  return {
    async stop() {
      controller.abort();
      auto?.reconciler.stop();
      await Promise.allSettled([watch, sweep, retry, check, ...listening]);
    },
  };
}
