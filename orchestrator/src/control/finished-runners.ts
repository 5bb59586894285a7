import type { Logger } from '@gha-ephemeral/logging';
import type { RemovalReason } from '../metrics/runner-observer.js';

/** Where the webhook receiver notes the runners whose job completed (the demand book). */
export interface FinishedRunners {
  finishedRunners(): string[];
  forgetFinished(runnerName: string): void;
}

/** What removing them needs of the fleet. */
export interface FinishedRunnersFleet {
  /** The containers (Docker only: no need to ask GitHub), each named after its runner. */
  containers(signal?: AbortSignal): Promise<{ name: string; state: string }[]>;
  remove(id: string, signal?: AbortSignal, reason?: RemovalReason): Promise<unknown>;
}

/**
 * Removes the runners a `completed` webhook reported, when their container is still there (an image that does
 * not exit after its one job): the signal only notes them, and this, on the control side, acts. A runner already
 * gone is simply forgotten (the reaper took it when it exited). The names are taken before anything is awaited,
 * so two calls never remove one runner twice.
 */
export async function removeFinishedRunners(options: {
  book: FinishedRunners;
  fleet: FinishedRunnersFleet;
  logger: Logger;
  signal?: AbortSignal;
}): Promise<number> {
  const { book, fleet, logger, signal } = options;
  const finished = book.finishedRunners();
  for (const name of finished) book.forgetFinished(name);
  if (finished.length === 0) return 0;
  const stopped = new Set(['exited', 'dead', 'removing']);
  const live = new Set(
    (await fleet.containers(signal)).filter((c) => !stopped.has(c.state)).map((c) => c.name),
  );
  let removed = 0;
  for (const name of finished) {
    if (!live.has(name)) continue;
    await fleet.remove(name, signal, 'job_completed').then(
      () => {
        removed += 1;
        logger.info({ category: 'MONITOR', runner: name }, 'removed the runner of a completed job');
      },
      (error: unknown) =>
        logger.warn({ err: error, runner: name }, 'could not remove the runner of a completed job'),
    );
  }
  return removed;
}

/** Runs `task` one at a time: a call while one runs is folded into one more run after it. */
export function singleFlight(task: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const run = async (): Promise<void> => {
    do {
      again = false;
      await task();
    } while (again);
  };
  return () => {
    if (running !== null) {
      again = true;
      return running;
    }
    running = run().finally(() => (running = null));
    return running;
  };
}
