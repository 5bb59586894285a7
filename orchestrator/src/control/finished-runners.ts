import type { Runner } from '@gha-ephemeral/contract';
import type { Logger } from '@gha-ephemeral/logging';
import type { RemovalReason } from '../metrics/runner-observer.js';

/** Where the webhook receiver notes the runners whose job completed (the demand book). */
export interface FinishedRunners {
  finishedRunners(): string[];
  forgetFinished(runnerName: string): void;
}

/** What removing them needs of the fleet. */
export interface FinishedRunnersFleet {
  list(signal?: AbortSignal): Promise<Runner[]>;
  remove(id: string, signal?: AbortSignal, reason?: RemovalReason): Promise<unknown>;
}

/**
 * Removes the runners a `completed` webhook reported, when their container is still there (an image that does
 * not exit after its one job): the signal only notes them, and this, on the control side, acts. A runner already
 * gone is simply forgotten (the reaper took it when it exited).
 */
export async function removeFinishedRunners(options: {
  book: FinishedRunners;
  fleet: FinishedRunnersFleet;
  logger: Logger;
  signal?: AbortSignal;
}): Promise<number> {
  const { book, fleet, logger, signal } = options;
  const finished = book.finishedRunners();
  if (finished.length === 0) return 0;
  const live = new Set((await fleet.list(signal)).filter((r) => r.status !== 'exited').map((r) => r.id));
  let removed = 0;
  for (const name of finished) {
    book.forgetFinished(name);
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
