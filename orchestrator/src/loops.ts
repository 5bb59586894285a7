import type { Logger } from '@gha-ephemeral/logging';
import type { RunnerService } from './runners/runner-service.js';

export interface Loops {
  /** Stops every loop and waits for the current pass to end. */
  stop(): Promise<void>;
}

/** Waits `ms` or until `signal` aborts, whichever is first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `pass` now and then every `intervalMs` (with ±10% jitter so several orchestrators do not align), one pass
 * at a time, until `signal` aborts. A failed pass is logged and the loop goes on.
 */
export async function every(
  intervalMs: number,
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
    await sleep(intervalMs * (0.9 + Math.random() * 0.2), signal);
  }
}

/**
 * The orchestrator's background work: follow Docker's events to reap exited runners at once, sweep for any
 * that were missed (every `purgeIntervalSeconds`), and retry registrations GitHub would not delete yet.
 */
export function startLoops(options: {
  runners: RunnerService;
  logger: Logger;
  purgeIntervalSeconds: number;
}): Loops {
  const controller = new AbortController();
  const { signal } = controller;
  const { runners, logger } = options;
  const watch = (async () => {
    while (!signal.aborted) {
      try {
        await runners.reaper.watch(signal);
      } catch (error) {
        if (signal.aborted) break;
        logger.warn({ err: error }, 'the Docker event stream failed; reconnecting');
      }
      await sleep(1000, signal);
    }
  })();
  const sweep = every(options.purgeIntervalSeconds * 1000, signal, logger, 'sweep', async () => {
    const reaped = await runners.reaper.sweep(signal);
    if (reaped > 0) logger.info({ category: 'MONITOR', reaped }, 'removed ended runners');
  });
  const retry = every(5000, signal, logger, 'retry', () => runners.reaper.retryPending(signal));
  return {
    async stop() {
      controller.abort();
      await Promise.allSettled([watch, sweep, retry]);
    },
  };
}
