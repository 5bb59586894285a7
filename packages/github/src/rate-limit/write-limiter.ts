import Bottleneck from 'bottleneck';

/** Writes let through back to back by default before they are spaced one second apart. */
export const DEFAULT_WRITE_BURST = 50;

/**
 * The schedule of GitHub writes (POST, PATCH, PUT, DELETE) for the throttling plugin's `write` group, replacing its
 * default of one write per second at all times.
 *
 * GitHub asks for writes to be made serially and, when there are many, one second apart; its secondary limits
 * allow 900 points a minute (a write costs 5, so 180 writes). One second apart at all times would make a burst of
 * 50 just-in-time runners (one `generate-jitconfig` each) take 50 seconds. Here writes start one at a time, up to
 * `burst` of them at once, and after that one per second, which is GitHub's pace: a token bucket of `burst` that
 * refills by one each second. The worst minute is `burst + 60` writes (110, 550 points, by default), well inside
 * the secondary limit; should GitHub answer with one anyway, the throttling plugin waits its `retry-after`.
 *
 * One bucket per client (the group's key is the client's throttle id): a retried write does not take from it again
 * (the plugin schedules retries with weight 0).
 */
export function createWriteLimiter(burst: number = DEFAULT_WRITE_BURST): Bottleneck.Group {
  if (!Number.isInteger(burst) || burst < 1)
    throw new RangeError(`write burst must be a whole number ≥ 1, not ${burst}`);
  return new Bottleneck.Group({
    id: 'gha-ephemeral-write',
    maxConcurrent: 1,
    minTime: 0,
    reservoir: burst,
    reservoirIncreaseInterval: 1000,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseMaximum: burst,
    // An idle client's bucket is dropped after this; a new one starts full, as this one would be by then.
    timeout: Math.max(120_000, burst * 1000 * 2),
  });
}
