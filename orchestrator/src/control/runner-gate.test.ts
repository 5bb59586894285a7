import { isAppError } from '@gha-ephemeral/contract';
import type { GitHubScope } from '@gha-ephemeral/github';
import { describe, expect, it } from 'vitest';
import { CREATION_MEMORY_MS, RunnerGate, type LiveRunner } from './runner-gate.js';

const scope: GitHubScope = { kind: 'repository', owner: 'octo', repo: 'hello' };
const api = (pool = 'default') => ({ scope, pool, jobId: null });
const none = async (): Promise<LiveRunner[]> => [];
const live = (...names: string[]) => names.map((name) => ({ name, pool: 'default' }));

function gate(maxRunners: number, poolMax: Record<string, number> = {}, clock = { now: 0 }) {
  return new RunnerGate({ maxRunners, poolMax: new Map(Object.entries(poolMax)) }, () => clock.now);
}

describe('RunnerGate', () => {
  it('admits up to MAX_RUNNERS, counting runners still starting', async () => {
    const g = gate(3);
    const first = await g.admit(api(), 2, none);
    await expect(g.admit(api(), 2, none)).rejects.toThrow(/MAX_RUNNERS is 3 and 2 runner/);
    first.forEach((key) => g.end(key, null));
    await expect(g.admit(api(), 3, none)).resolves.toHaveLength(3);
  });

  it('never lets two concurrent requests take the last slot', async () => {
    const g = gate(1);
    const results = await Promise.allSettled([g.admit(api(), 1, none), g.admit(api(), 1, none)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(isAppError(rejected?.reason) && rejected.reason.code).toBe('runner.capacity_reached');
  });

  it("refuses past a pool's max while other pools still have room", async () => {
    const g = gate(10, { big: 1 });
    await g.admit(api('big'), 1, none);
    await expect(g.admit(api('big'), 1, none)).rejects.toThrow(/Pool "big" has max 1 and 1 runner/);
    await expect(g.admit(api('small'), 2, none)).resolves.toHaveLength(2);
  });

  it('counts existing containers', async () => {
    const g = gate(5);
    await expect(g.admit(api(), 1, async () => live('a', 'b', 'c', 'd', 'e'))).rejects.toMatchObject({
      statusCode: 429,
    });
  });

  it("counts a pass's planned creations against the API's requests: one gate, one book", async () => {
    const g = gate(2);
    g.begin([
      { scope, pool: 'default', jobId: 1 },
      { scope, pool: 'default', jobId: 2 },
    ]);
    await expect(g.admit(api(), 1, none)).rejects.toThrow(/MAX_RUNNERS is 2 and 2 runner/);
  });

  it("shows a pass the API's runners that its listing does not have yet", async () => {
    const clock = { now: 1_000 };
    const g = gate(5, {}, clock);
    const [key] = await g.admit(api(), 1, none);
    clock.now = 2_000;
    g.end(key!, 'gha-api-1');
    // Listed before the runner was made: the pass counts it as starting, in its pool and scope.
    const { starting } = g.recent(1_500, [], null);
    expect(starting).toMatchObject([{ pool: 'default', jobId: null, state: 'starting' }]);
    // Listed after: it is in the listing, nothing to add.
    expect(g.recent(2_500, [{ id: 'gha-api-1', jobId: null }], null).starting).toEqual([]);
  });

  it('forgets a runner removed on purpose: gone, it is not taken for one that ran a job', async () => {
    const clock = { now: 1_000 };
    const g = gate(5, {}, clock);
    const [key] = await g.admit(api(), 1, none);
    g.end(key!, 'gha-api-1');
    clock.now = 3_000;
    const reports = { jobRunningOn: () => undefined, reportsActive: () => true };
    // Not listed any more, while webhooks report: it counts as having taken a job not yet reported…
    expect(g.recent(2_500, [], reports).goneUnreported.size).toBe(1);
    // …unless it was removed on request.
    g.forgetRunner('gha-api-1');
    expect(g.recent(2_500, [], reports).goneUnreported.size).toBe(0);
  });

  it('ends a creation once only, and counts a failed one as no runner', async () => {
    const g = gate(1);
    const [key] = await g.admit(api(), 1, none);
    g.end(key!, null);
    g.end(key!, 'late-name');
    await expect(g.admit(api(), 1, none)).resolves.toHaveLength(1);
    await expect(g.admit(api(), 1, none)).rejects.toThrow(/MAX_RUNNERS is 1 and 1 runner/);
  });

  it('asks Docker once for a burst, counting the runners created since by name, once', async () => {
    const clock = { now: 0 };
    const g = gate(3, {}, clock);
    let listings = 0;
    let names: string[] = [];
    const list = async () => {
      listings += 1;
      return live(...names);
    };
    for (const name of ['r1', 'r2']) (await g.admit(api(), 1, list)).forEach((key) => g.end(key, name));
    expect(listings).toBe(1);
    // r2 was created while a listing ran and is in it: counted once, so one slot is still free.
    names = ['r1', 'r2'];
    clock.now += 30_000;
    const [third] = await g.admit(api(), 1, list);
    expect(listings).toBe(2);
    g.end(third!, 'r3');
    // Full by the estimate: Docker is asked again, and the three containers are really there.
    names = ['r1', 'r2', 'r3'];
    await expect(g.admit(api(), 1, list)).rejects.toThrow(/MAX_RUNNERS is 3 and 3 runner/);
    expect(listings).toBe(3);
    // Full by the estimate, but the containers are gone: Docker is asked again before refusing.
    names = [];
    await expect(g.admit(api(), 1, list)).resolves.toHaveLength(1);
    expect(listings).toBe(4);
  });

  it('forgets finished creations after a while, even when no pass reads the book (manual mode)', async () => {
    const clock = { now: 0 };
    const g = gate(1_000, {}, clock);
    for (let i = 0; i < 100; i += 1) {
      const [key] = await g.admit(api(), 1, none);
      g.end(key!, `r${i}`);
      clock.now += 5_000;
    }
    // A hundred runners over 500 s: only those of the last minute are still in the book.
    expect(g.size).toBeLessThanOrEqual(CREATION_MEMORY_MS / 5_000 + 1);
    expect(g.size).toBeGreaterThan(0);
  });
});
