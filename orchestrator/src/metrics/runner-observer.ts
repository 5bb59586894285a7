/** Why a runner was started: asked for through the API, or for a queued job (automatic mode, webhooks). */
export type StartReason = 'api' | 'job';

/**
 * Why a runner's container was removed: it `exited` (its job done, or it failed), the API asked (`api`), its
 * job `completed` (webhook), it never came online (`start_timeout`) or idled (`idle_timeout`), or a request
 * that could not start all its runners took the others back (`rollback`).
 */
export type RemovalReason =
  'exited' | 'api' | 'job_completed' | 'start_timeout' | 'idle_timeout' | 'max_idle_age' | 'rollback';

/** What the runner service tells whoever watches it (the metrics). Every method is cheap and never throws. */
export interface RunnerObserver {
  /** A runner container is running; `jobQueuedAt` (epoch ms) is when its job was queued, when known. */
  runnerStarted(reason: StartReason, jobQueuedAt: number | null, pool?: string): void;
  /** A runner could not be started. */
  runnerStartFailed(): void;
  /** A runner container was removed (counted once, by whoever removed it). */
  runnerRemoved(reason: RemovalReason): void;
}

/** An observer that ignores everything. */
export const NO_RUNNER_OBSERVER: RunnerObserver = {
  runnerStarted: () => undefined,
  runnerStartFailed: () => undefined,
  runnerRemoved: () => undefined,
};

/** `observer`, and `onChange` after each runner started or removed (the dashboard's feed looks again). */
export function nudging(observer: RunnerObserver, onChange: () => void): RunnerObserver {
  return {
    runnerStarted: (reason, jobQueuedAt, pool) => {
      observer.runnerStarted(reason, jobQueuedAt, pool);
      onChange();
    },
    runnerStartFailed: () => observer.runnerStartFailed(),
    runnerRemoved: (reason) => {
      observer.runnerRemoved(reason);
      onChange();
    },
  };
}
