import { setTimeout as delay } from 'node:timers/promises';

/**
 * The time source of the client's own waits (the write schedule and the rate-limit guard): the real clock by
 * default ({@link systemClock}); a test passes one it drives, so that no test waits or measures real time.
 */
export interface Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  /**
   * Resolves once `ms` have passed on this clock (at once for `ms` ≤ 0); rejects with the signal's reason when
   * `signal` is aborted first.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `Date.now()` and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(Math.max(0, ms), undefined, signal ? { signal } : {}),
};
