/** Below this share of the budget left, polling slows down. */
export const SLOWDOWN_THRESHOLD = 0.5;
/** Polling never slows down by more than this factor before the budget is gone. */
export const MAX_SLOWDOWN_FACTOR = 32;

/** What {@link suggestDelayMs} looks at. Times are epoch milliseconds. */
export interface DelayInput {
  baseIntervalMs: number;
  limit: number | null;
  remaining: number | null;
  resetAt: number | null;
  blockedUntil: number | null;
  now: number;
}

/**
 * How long a poller should wait before its next cycle, given GitHub's rate-limit budget.
 *
 * The curve (`f` = remaining / limit of the current window):
 *
 * | state | delay |
 * | --- | --- |
 * | blocked (limited, or the budget is spent) | until the block lifts, at least the base interval |
 * | nothing known, or the window has already reset | the base interval |
 * | f ≥ 50 % | the base interval |
 * | f < 50 % | base × 0.5 / f: 25 % → 2×, 10 % → 5×, 5 % → 10×, … at most 32× |
 *
 * and never longer than the time until the window resets (the budget is full again then), but never shorter than
 * the base interval. Halving the budget left doubles the interval, so a poller that drains it slows down smoothly
 * instead of running into the wall.
 */
export function suggestDelayMs(input: DelayInput): number {
  const base = Math.max(0, input.baseIntervalMs);
  const { now } = input;
  if (input.blockedUntil !== null && input.blockedUntil > now) {
    return Math.max(base, input.blockedUntil - now);
  }
  const { limit, remaining, resetAt } = input;
  if (limit === null || remaining === null || limit <= 0) return base;
  if (resetAt !== null && resetAt <= now) return base;
  const untilReset = resetAt === null ? Number.POSITIVE_INFINITY : resetAt - now;
  if (remaining <= 0)
    return Number.isFinite(untilReset) ? Math.max(base, untilReset) : base * MAX_SLOWDOWN_FACTOR;
  const share = remaining / limit;
  if (share >= SLOWDOWN_THRESHOLD) return base;
  const factor = Math.min(MAX_SLOWDOWN_FACTOR, SLOWDOWN_THRESHOLD / share);
  return Math.round(Math.max(base, Math.min(base * factor, untilReset)));
}
