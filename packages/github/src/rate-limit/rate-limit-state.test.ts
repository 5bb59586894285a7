import { describe, expect, it } from 'vitest';
import type { LoggerLike } from '../logger.js';
import { RateLimitState } from './rate-limit-state.js';

function recorder(): LoggerLike & { warnings: object[]; infos: object[] } {
  const warnings: object[] = [];
  const infos: object[] = [];
  return {
    warnings,
    infos,
    debug: () => undefined,
    info: (obj) => infos.push(obj),
    warn: (obj) => warnings.push(obj),
    error: () => undefined,
  };
}

function clock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const headers = (remaining: number, resetAt: number, limit = 5000): Record<string, string> => ({
  'x-ratelimit-limit': String(limit),
  'x-ratelimit-remaining': String(remaining),
  'x-ratelimit-used': String(limit - remaining),
  'x-ratelimit-reset': String(Math.ceil(resetAt / 1000)),
  'x-ratelimit-resource': 'core',
});

describe('RateLimitState', () => {
  it('reads the headers of every answer into its snapshot', () => {
    const c = clock();
    const state = new RateLimitState({ now: c.now });
    state.observe(headers(4321, c.now() + 1_800_000), 200);
    expect(state.snapshot()).toMatchObject({
      limit: 5000,
      remaining: 4321,
      used: 679,
      blockedUntil: null,
      limitedBy: null,
      observedAt: c.now(),
    });
  });

  it('ignores other resources (search, graphql)', () => {
    const c = clock();
    const state = new RateLimitState({ now: c.now });
    state.observe({ ...headers(5, c.now() + 60_000, 30), 'x-ratelimit-resource': 'search' }, 200);
    expect(state.snapshot().remaining).toBeNull();
  });

  it('blocks until the reset on a primary limit, warns once, and lifts', () => {
    const c = clock();
    const log = recorder();
    const state = new RateLimitState({ now: c.now, logger: log });
    const resetAt = c.now() + 600_000;
    state.recordLimited({ kind: 'primary', retryAfterSeconds: null, resetAt }, { method: 'GET', url: '/x' });
    state.recordLimited({ kind: 'primary', retryAfterSeconds: null, resetAt });
    state.recordLimited({ kind: 'secondary', retryAfterSeconds: 5, resetAt: null });
    expect(state.blockedUntil()).toBe(resetAt + 1000);
    expect(state.snapshot().limitedBy).toBe('primary');
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toMatchObject({ category: 'WARNING', kind: 'primary', retryAfterSeconds: 601 });
    expect(state.suggestedDelayMs(60_000)).toBe(601_000);
    c.advance(601_000);
    expect(state.blockedUntil()).toBeNull();
    expect(log.infos).toHaveLength(1);
    state.recordLimited({ kind: 'secondary', retryAfterSeconds: 10, resetAt: null });
    expect(log.warnings).toHaveLength(2);
  });

  it('prefers retry-after, and backs off from 60 s for secondary limits without it', () => {
    const c = clock();
    const state = new RateLimitState({ now: c.now });
    state.recordLimited({ kind: 'secondary', retryAfterSeconds: 7, resetAt: null });
    expect(state.blockedUntil()).toBe(c.now() + 7000);
    c.advance(7000);
    const waits: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      state.recordLimited({ kind: 'secondary', retryAfterSeconds: null, resetAt: null });
      const until = state.blockedUntil() ?? 0;
      waits.push((until - c.now()) / 1000);
      c.advance(until - c.now());
    }
    expect(waits).toEqual([60, 120, 240, 480, 900, 900]);
    state.observe(headers(4000, c.now() + 3_600_000), 200);
    state.recordLimited({ kind: 'secondary', retryAfterSeconds: null, resetAt: null });
    expect((state.blockedUntil() ?? 0) - c.now()).toBe(60_000);
  });

  it('stops before the next request when a success spends the last of the budget', () => {
    const c = clock();
    const log = recorder();
    const state = new RateLimitState({ now: c.now, logger: log });
    state.observe(headers(0, c.now() + 120_000), 200);
    expect(state.blockedUntil()).toBe(c.now() + 121_000);
    expect(log.warnings).toHaveLength(1);
  });

  it('slows the suggested delay as the budget falls', () => {
    const c = clock();
    const state = new RateLimitState({ now: c.now });
    expect(state.suggestedDelayMs(1000)).toBe(1000);
    state.observe(headers(500, c.now() + 3_600_000), 200);
    expect(state.suggestedDelayMs(1000)).toBe(5000);
  });
});
