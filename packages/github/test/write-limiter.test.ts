import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOctokit } from '../src/octokit-client.js';
import { recordingLogger, startWorld, TOKENS } from './helpers/world.js';

const HOUR_MS = 3_600_000;

// When each write reached GitHub: a registration token expires one hour after it was issued, to the millisecond in
// the simulator, so its `expires_at` less an hour is the time the POST was served.
async function mintTokens(sim: GitHubSim, writeBurst: number, count: number): Promise<number[]> {
  const octokit = createOctokit({
    baseUrl: sim.apiUrl,
    auth: TOKENS.alice,
    userAgent: 'tests',
    logger: recordingLogger(),
    writeBurst,
  });
  const answers = await Promise.all(
    Array.from({ length: count }, () =>
      octokit.request('POST /repos/{owner}/{repo}/actions/runners/registration-token', {
        owner: 'alice',
        repo: 'app',
      }),
    ),
  );
  return answers.map((answer) => Date.parse(answer.data.expires_at) - HOUR_MS).sort((a, b) => a - b);
}

describe('the write schedule', () => {
  let sim: GitHubSim;
  beforeAll(async () => {
    sim = await startWorld();
    sim.control.createRepo({ owner: 'alice', name: 'app' });
  });
  afterAll(async () => sim.close());

  it('lets a burst of writes through at once, then spaces them one second apart', async () => {
    const served = await mintTokens(sim, 3, 6);
    const after = (i: number) => served[i]! - served[0]!;
    // The first three are not spaced (the throttling plugin's own schedule would put them 2 s apart, first to last).
    expect(after(2)).toBeLessThan(1900);
    // The bucket is then empty: one more write at each refill, a second apart (the first refill comes on the
    // bucket's own clock, anywhere within a second of the burst).
    expect(after(4) - after(3)).toBeGreaterThanOrEqual(900);
    expect(after(5) - after(4)).toBeGreaterThanOrEqual(900);
  });

  it('keeps one bucket per client: a second client starts with a full burst', async () => {
    await mintTokens(sim, 2, 2);
    const served = await mintTokens(sim, 2, 2);
    expect(served[1]! - served[0]!).toBeLessThan(900);
  });

  it('refuses a burst that is not a whole number of at least one', () => {
    expect(() =>
      createOctokit({
        baseUrl: sim.apiUrl,
        auth: TOKENS.alice,
        userAgent: 't',
        logger: recordingLogger(),
        writeBurst: 0,
      }),
    ).toThrow(/write burst must be a whole number ≥ 1, not 0/);
  });
});
