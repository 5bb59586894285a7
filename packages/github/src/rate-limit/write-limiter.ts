import { systemClock, type Clock } from '../clock/clock.js';

/** Writes let through back to back by default before they are spaced one second apart. */
export const DEFAULT_WRITE_BURST = 50;
const REFILL_MS = 1000;

/** A job's options as the throttling plugin passes them: a retried write has weight 0. */
export interface WriteJobOptions {
  weight?: number;
  priority?: number;
}

/** One client's bucket of writes. */
export interface WriteBucket {
  /** Runs `job` once the bucket lets a write through (at once for weight 0), and returns what it returns. */
  schedule<A extends unknown[], R>(
    options: WriteJobOptions,
    job: (...args: A) => R | Promise<R>,
    ...args: A
  ): Promise<R>;
}

/** The throttling plugin's `write` group: one bucket per throttle id. The plugin calls nothing else on it. */
export interface WriteLimiter {
  key(id: string): WriteBucket;
}

/**
 * The schedule of GitHub writes (POST, PATCH, PUT, DELETE) for the throttling plugin's `write` group, replacing its
 * default of one write per second at all times.
 *
 * GitHub asks for writes to be made serially and, when there are many, one second apart; its secondary limits
 * allow 900 points a minute (a write costs 5, so 180 writes). One second apart at all times would make a burst of
 * 50 just-in-time runners (one `generate-jitconfig` each) take 50 seconds. Here writes go in arrival order, up to
 * `burst` of them at once, and after that one per second, which is GitHub's pace: a token bucket of `burst` that
 * refills by one each second of its own clock. The worst minute is `burst + 60` writes (110, 550 points, by
 * default), well inside the secondary limit; should GitHub answer with one anyway, the throttling plugin waits its
 * `retry-after`.
 *
 * One bucket per client (the group's key is the client's throttle id, a handful per process): a retried write does
 * not take from it again (the plugin schedules retries with weight 0). `clock` is the real one unless a test
 * drives its own.
 */
export function createWriteLimiter(
  burst: number = DEFAULT_WRITE_BURST,
  clock: Clock = systemClock,
): WriteLimiter {
  if (!Number.isInteger(burst) || burst < 1)
    throw new RangeError(`write burst must be a whole number ≥ 1, not ${burst}`);
  const buckets = new Map<string, WriteBucket>();
  return {
    key(id) {
      let bucket = buckets.get(id);
      if (bucket === undefined) {
        bucket = tokenBucket(burst, clock);
        buckets.set(id, bucket);
      }
      return bucket;
    },
  };
}

function tokenBucket(burst: number, clock: Clock): WriteBucket {
  let tokens = burst;
  let refilledAt = clock.now();
  let draining = false;
  const waiting: (() => void)[] = [];

  const refill = (): void => {
    const periods = Math.floor((clock.now() - refilledAt) / REFILL_MS);
    if (periods <= 0) return;
    tokens = Math.min(burst, tokens + periods);
    refilledAt += periods * REFILL_MS;
  };
  // One sleep at a time, to the next refill; it lets through as many waiting writes as there are tokens.
  const drain = async (): Promise<void> => {
    draining = true;
    while (waiting.length > 0) {
      await clock.sleep(refilledAt + REFILL_MS - clock.now());
      refill();
      for (; tokens > 0 && waiting.length > 0; tokens -= 1) waiting.shift()!();
    }
    draining = false;
  };
  const take = (): Promise<void> => {
    refill();
    if (waiting.length === 0 && tokens > 0) {
      tokens -= 1;
      return Promise.resolve();
    }
    const turn = new Promise<void>((resolve) => waiting.push(resolve));
    if (!draining) void drain();
    return turn;
  };

  return {
    async schedule(options, job, ...args) {
      if ((options.weight ?? 1) > 0) await take();
      return job(...args);
    },
  };
}
