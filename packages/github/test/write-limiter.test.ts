import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../src/octokit-client.js';
import { createWriteLimiter } from '../src/rate-limit/write-limiter.js';
import { fakeClock, type FakeClock } from './helpers/fake-clock.js';
import { recordingLogger, startWorld, TOKENS } from './helpers/world.js';

const MINT = 'POST /repos/{owner}/{repo}/actions/runners/registration-token';

/** Schedules `count` writes on one bucket at once; each resolves to the time, on `clock`, it was let through. */
function writes(
  clock: FakeClock,
  bucket: ReturnType<ReturnType<typeof createWriteLimiter>['key']>,
  count: number,
) {
  return Array.from({ length: count }, () => bucket.schedule({}, () => clock.now()));
}

/** What `promise` resolved to once pending work has run, without moving `clock`; `held back` if it has not. */
async function settledValue<T>(clock: FakeClock, promise: Promise<T>): Promise<T | 'held back'> {
  let value: T | 'held back' = 'held back';
  void promise.then((resolved) => (value = resolved));
  await clock.advance(0);
  return value;
}

describe('the write schedule', () => {
  let clock: FakeClock;
  beforeEach(() => {
    clock = fakeClock(0);
  });

  it('lets a burst of writes through at once, then one at each refill, a second apart', async () => {
    const served = writes(clock, createWriteLimiter(3, clock).key('client'), 6);
    await clock.advance(10_000);
    // The throttling plugin's own schedule would have put the first three 2 s apart, first to last.
    expect(await Promise.all(served)).toEqual([0, 0, 0, 1000, 2000, 3000]);
  });

  it('holds back the write past the burst until the clock reaches the refill', async () => {
    const bucket = createWriteLimiter(1, clock).key('client');
    const [first, second] = writes(clock, bucket, 2);
    expect(await first).toBe(0);
    await clock.advance(999);
    expect(await settledValue(clock, second!)).toBe('held back');
    await clock.advance(1);
    expect(await settledValue(clock, second!)).toBe(1000);
  });

  it('refills an idle bucket to the burst, and no further', async () => {
    const bucket = createWriteLimiter(2, clock).key('client');
    await Promise.all(writes(clock, bucket, 2));
    await clock.advance(60_000);
    const served = writes(clock, bucket, 3);
    await clock.advance(10_000);
    expect(await Promise.all(served)).toEqual([60_000, 60_000, 61_000]);
  });

  it('lets a retried write (weight 0) through an empty bucket at once, taking nothing from it', async () => {
    const bucket = createWriteLimiter(1, clock).key('client');
    await Promise.all(writes(clock, bucket, 1));
    expect(await bucket.schedule({ priority: 0, weight: 0 }, () => clock.now())).toBe(0);
    const next = writes(clock, bucket, 1);
    await clock.advance(5000);
    expect(await Promise.all(next)).toEqual([1000]);
  });

  it('keeps one bucket per client: another throttle id starts with a full burst', async () => {
    const limiter = createWriteLimiter(2, clock);
    await Promise.all(writes(clock, limiter.key('creations'), 2));
    expect(await settledValue(clock, Promise.all(writes(clock, limiter.key('removals'), 2)))).toEqual([0, 0]);
  });

  it('refuses a burst that is not a whole number of at least one', () => {
    expect(() => createWriteLimiter(0)).toThrow(/write burst must be a whole number ≥ 1, not 0/);
    expect(() => createWriteLimiter(1.5)).toThrow(/not 1.5/);
  });
});

describe('the write schedule of a client, against the simulator', () => {
  let sim: GitHubSim;
  beforeAll(async () => {
    sim = await startWorld();
    sim.control.createRepo({ owner: 'alice', name: 'app' });
  });
  afterAll(async () => sim.close());
  beforeEach(() => sim.control.resetCounts());

  const clientOf = (clock: FakeClock, writeBurst: number) =>
    createOctokit({
      baseUrl: sim.apiUrl,
      auth: TOKENS.alice,
      userAgent: 'tests',
      logger: recordingLogger(),
      writeBurst,
      clock,
    });
  const mint = (octokit: ReturnType<typeof clientOf>) =>
    octokit.request(MINT, { owner: 'alice', repo: 'app' });
  const minted = () => sim.control.requestCounts().byRoute[MINT]?.total;

  it('sends a burst of writes at once and holds the next one until its refill', async () => {
    const clock = fakeClock();
    const octokit = clientOf(clock, 2);
    const [first, second, third] = [mint(octokit), mint(octokit), mint(octokit)];
    await Promise.all([first, second]);
    expect(minted()).toBe(2);
    await clock.advance(999);
    expect(minted()).toBe(2);
    await clock.advance(1);
    expect((await third).status).toBe(201);
    expect(minted()).toBe(3);
  });

  it('gives a second client a full burst of its own', async () => {
    const clock = fakeClock();
    await Promise.all([0, 1].map(() => mint(clientOf(clock, 1))));
    expect(minted()).toBe(2);
  }, 10_000);

  it('refuses a burst that is not a whole number of at least one', () => {
    expect(() => clientOf(fakeClock(), 0)).toThrow(/write burst must be a whole number ≥ 1, not 0/);
  });
});
