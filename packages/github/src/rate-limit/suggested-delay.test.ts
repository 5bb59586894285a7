import { describe, expect, it } from 'vitest';
import { suggestDelayMs } from './suggested-delay.js';

const now = 1_000_000_000_000;
const base = 60_000;
const hour = 3_600_000;

describe('suggestDelayMs', () => {
  const cases: [string, Partial<Parameters<typeof suggestDelayMs>[0]>, number][] = [
    ['nothing known', {}, base],
    ['a full budget', { limit: 5000, remaining: 5000, resetAt: now + hour }, base],
    ['half left', { limit: 5000, remaining: 2500, resetAt: now + hour }, base],
    ['a quarter left: twice the interval', { limit: 5000, remaining: 1250, resetAt: now + hour }, 2 * base],
    ['10 % left: five times', { limit: 5000, remaining: 500, resetAt: now + hour }, 5 * base],
    ['5 % left: ten times', { limit: 5000, remaining: 250, resetAt: now + hour }, 10 * base],
    ['almost nothing left: at most 32 times', { limit: 5000, remaining: 1, resetAt: now + hour }, 32 * base],
    [
      'low, but the window resets soon: until the reset',
      { limit: 5000, remaining: 250, resetAt: now + 90_000 },
      90_000,
    ],
    [
      'low, resetting sooner than the base: the base',
      { limit: 5000, remaining: 250, resetAt: now + 10_000 },
      base,
    ],
    ['spent: until the reset', { limit: 5000, remaining: 0, resetAt: now + 600_000 }, 600_000],
    ['a window that has already reset: the base', { limit: 5000, remaining: 10, resetAt: now - 1 }, base],
    [
      'blocked: until the block lifts',
      { limit: 5000, remaining: 4000, blockedUntil: now + 300_000 },
      300_000,
    ],
    ['blocked for less than the base: the base', { blockedUntil: now + 5_000 }, base],
    ['a block in the past is no block', { blockedUntil: now - 5_000 }, base],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(
      suggestDelayMs({
        baseIntervalMs: base,
        limit: null,
        remaining: null,
        resetAt: null,
        blockedUntil: null,
        now,
        ...input,
      }),
    ).toBe(expected);
  });

  it('grows monotonically as the budget falls', () => {
    let previous = 0;
    for (let remaining = 5000; remaining >= 0; remaining -= 50) {
      const delay = suggestDelayMs({
        baseIntervalMs: base,
        limit: 5000,
        remaining,
        resetAt: now + 10 * hour,
        blockedUntil: null,
        now,
      });
      expect(delay).toBeGreaterThanOrEqual(previous);
      previous = delay;
    }
  });
});
