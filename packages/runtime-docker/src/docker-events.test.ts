import { describe, expect, it } from 'vitest';
import { backoffDelay } from './docker-events.js';

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap, jittered between half and all of it', () => {
    const backoff = { initialMs: 100, maxMs: 1_000 };
    for (const [failures, ceiling] of [
      [1, 100],
      [2, 200],
      [4, 800],
      [5, 1_000],
      [50, 1_000],
    ] as const) {
      const delay = backoffDelay(backoff, failures);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
});
