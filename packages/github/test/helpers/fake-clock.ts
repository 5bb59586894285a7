import type { Clock } from '../../src/clock/clock.js';

/** A {@link Clock} that stands still until the test moves it. */
export interface FakeClock extends Clock {
  /** Moves time on by `ms`, waking each sleep whose time has come, earliest first, and letting it run. */
  advance(ms: number): Promise<void>;
  /** What each sleep asked for, in order. */
  readonly sleeps: number[];
}

interface Sleeper {
  at: number;
  wake: () => void;
}

// Lets whatever a woken sleep resolved run, promise chains included, before time moves on.
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A {@link FakeClock} at `start` (default: now, so that GitHub's epoch headers stay meaningful). */
export function fakeClock(start: number = Date.now()): FakeClock {
  let now = start;
  const sleepers: Sleeper[] = [];
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep(ms, signal) {
      sleeps.push(ms);
      signal?.throwIfAborted();
      return new Promise((resolve, reject) => {
        const sleeper: Sleeper = { at: now + Math.max(0, ms), wake: resolve };
        sleepers.push(sleeper);
        signal?.addEventListener('abort', () => {
          sleepers.splice(sleepers.indexOf(sleeper), 1);
          reject(signal.reason as Error);
        });
      });
    },
    async advance(ms) {
      const until = now + ms;
      await settle();
      for (;;) {
        const next = sleepers.filter((s) => s.at <= until).sort((a, b) => a.at - b.at)[0];
        if (next === undefined) break;
        sleepers.splice(sleepers.indexOf(next), 1);
        now = next.at;
        next.wake();
        await settle();
      }
      now = until;
    },
  };
}
