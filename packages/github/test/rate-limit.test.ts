import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeClock } from './helpers/fake-clock.js';
import { gitHubFor, rejection, startWorld, TOKENS } from './helpers/world.js';

const repo = { owner: 'acme', name: 'app' };
const ROUTE = 'GET /repos/{owner}/{repo}/actions/workflows';

describe('rate limits against the simulator', () => {
  let sim: GitHubSim;

  beforeAll(async () => {
    sim = await startWorld();
    sim.control.createRepo({ owner: 'acme', name: 'app' });
  });
  afterAll(async () => sim.close());
  beforeEach(() => {
    sim.control.clearFaults();
    sim.control.setRateLimit(TOKENS.alice, { limit: 5000, remaining: 5000, resetInSeconds: 3600 });
    sim.control.resetCounts();
  });

  it('fails fast with github.rate_limited when the hour is spent, warns once, and sends nothing more', async () => {
    const clock = fakeClock();
    const { github, logger } = gitHubFor(sim, { clock });
    sim.control.setRateLimit(TOKENS.alice, { remaining: 0, resetInSeconds: 3000 });
    const first = await rejection(github.listWorkflows(repo));
    expect(first.code).toBe('github.rate_limited');
    expect(first.retryable).toBe(true);
    const retryAfter = first.details?.['retryAfterSeconds'];
    expect(retryAfter).toBeGreaterThan(2990);
    expect(retryAfter).toBeLessThanOrEqual(3002);

    const again = await rejection(github.listQueuedRuns(repo));
    expect(again.code).toBe('github.rate_limited');
    // The second call failed at once: it neither waited for the limit to lift nor reached GitHub.
    expect(clock.sleeps).toEqual([]);
    expect(sim.control.requestCounts().total).toBe(1);

    const warnings = logger.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.obj).toMatchObject({ category: 'WARNING', kind: 'primary' });
    expect(github.rateLimitStatus()).toMatchObject({ remaining: 0, limitedBy: 'primary' });
    expect(github.suggestedPollDelayMs(60_000)).toBeGreaterThan(2_990_000);
    // GET /rate_limit is free and is how health checks reach GitHub: it still goes.
    await expect(github.ping()).resolves.toEqual({ rateLimitRemaining: 0 });
    // A guard that waited would wait on `clock`, which stands still: the test would time out rather than pass.
  }, 10_000);

  it('waits out a primary limit that resets within the wait bound', async () => {
    const { github, logger } = gitHubFor(sim);
    sim.control.injectFault({
      kind: 'primary-rate-limit',
      resetInSeconds: 1,
      match: { path: '/repos/acme/app/actions/workflows' },
    });
    expect(await github.listWorkflows(repo)).toEqual([]);
    expect(sim.control.requestCounts().byRoute[ROUTE]?.total).toBe(2);
    expect(logger.warnings()).toHaveLength(1);
  }, 20_000);

  it('waits out a short secondary limit (retry-after) and goes on', async () => {
    const { github, logger } = gitHubFor(sim);
    sim.control.injectFault({ kind: 'secondary-rate-limit', status: 429, retryAfterSeconds: 1 });
    expect(await github.listWorkflows(repo)).toEqual([]);
    expect(sim.control.requestCounts().byRoute[ROUTE]?.total).toBe(2);
    expect(logger.warnings()).toHaveLength(1);
    expect(logger.warnings()[0]?.obj).toMatchObject({ kind: 'secondary' });
  }, 20_000);

  it.each([403, 429] as const)(
    'fails fast on a long secondary limit (%i) with its retry-after, without retrying it',
    async (status) => {
      const { github, logger } = gitHubFor(sim);
      sim.control.injectFault({
        kind: 'secondary-rate-limit',
        status,
        retryAfterSeconds: 600,
        count: 'always',
      });
      const error = await rejection(github.listWorkflows(repo));
      expect(error.code).toBe('github.rate_limited');
      expect(error.details).toMatchObject({ kind: 'secondary' });
      expect(error.details?.['retryAfterSeconds']).toBeGreaterThanOrEqual(599);
      expect(sim.control.requestCounts().byRoute[ROUTE]?.total).toBe(1);
      await rejection(github.listWorkflows(repo));
      expect(sim.control.requestCounts().byRoute[ROUTE]?.total).toBe(1);
      expect(logger.warnings()).toHaveLength(1);
    },
  );

  it('waits at least 60 s after a secondary limit without retry-after', async () => {
    const { github } = gitHubFor(sim, { maxRateLimitWaitSeconds: 5 });
    sim.control.injectFault({ kind: 'secondary-rate-limit', retryAfterSeconds: null });
    const error = await rejection(github.listWorkflows(repo));
    expect(error.details?.['retryAfterSeconds']).toBeGreaterThanOrEqual(59);
    expect(github.rateLimitStatus().limitedBy).toBe('secondary');
  });

  it('suggests a slower poll as the budget runs low', async () => {
    const { github } = gitHubFor(sim);
    expect(github.suggestedPollDelayMs(10_000)).toBe(10_000);
    sim.control.setRateLimit(TOKENS.alice, { remaining: 251, resetInSeconds: 3600 });
    await github.listWorkflows(repo);
    expect(github.rateLimitStatus()).toMatchObject({ limit: 5000, remaining: 250, limitedBy: null });
    expect(github.suggestedPollDelayMs(10_000)).toBe(100_000);
  });

  it('never charges a 304, even with the budget nearly spent', async () => {
    const { github } = gitHubFor(sim);
    await github.listWorkflows(repo);
    sim.control.setRateLimit(TOKENS.alice, { remaining: 1, resetInSeconds: 3600 });
    sim.control.resetCounts();
    for (let i = 0; i < 5; i += 1) await github.listWorkflows(repo);
    expect(sim.control.requestCounts().byRoute[ROUTE]).toEqual({
      total: 5,
      charged: 0,
      conditional: 5,
      notModified: 5,
    });
    expect(github.rateLimitStatus().remaining).toBe(1);
  });
});
