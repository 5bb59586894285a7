import { isAppError } from '@gha-ephemeral/contract';
import { describe, expect, it } from 'vitest';
import { Capacity } from './capacity.js';

describe('Capacity', () => {
  it('admits up to the maximum, counting runners still starting', async () => {
    const capacity = new Capacity(3);
    const first = await capacity.reserve(2, async () => []);
    await expect(capacity.reserve(2, async () => [])).rejects.toThrow(/MAX_RUNNERS is 3 and 2 runner/);
    first.forEach((release) => release());
    await expect(capacity.reserve(3, async () => [])).resolves.toHaveLength(3);
  });

  it('never lets two concurrent requests take the last slot', async () => {
    const capacity = new Capacity(1);
    const results = await Promise.allSettled([
      capacity.reserve(1, async () => []),
      capacity.reserve(1, async () => []),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(isAppError(rejected?.reason) && rejected.reason.code).toBe('runner.capacity_reached');
  });

  it('counts existing containers', async () => {
    const capacity = new Capacity(5);
    await expect(capacity.reserve(1, async () => ['a', 'b', 'c', 'd', 'e'])).rejects.toMatchObject({
      statusCode: 429,
    });
  });

  it('releases a slot once only', async () => {
    const capacity = new Capacity(1);
    const [release] = await capacity.reserve(1, async () => []);
    release!();
    release!();
    await capacity.reserve(1, async () => []);
    // Released once: the one slot is taken again, so a second reservation is refused for capacity.
    await expect(capacity.reserve(1, async () => [])).rejects.toThrow(/MAX_RUNNERS is 1 and 1 runner/);
  });

  it('asks Docker once for a burst, counting the runners created since by name, once', async () => {
    let listings = 0;
    let now = 0;
    const capacity = new Capacity(3, () => now);
    let live: string[] = [];
    const list = async () => {
      listings += 1;
      return live;
    };
    for (const name of ['r1', 'r2']) (await capacity.reserve(1, list)).forEach((release) => release(name));
    expect(listings).toBe(1);
    // r2 was created while a listing ran and is in it: counted once, so one slot is still free.
    live = ['r1', 'r2'];
    now += 60_000;
    const [third] = await capacity.reserve(1, list);
    expect(listings).toBe(2);
    third!('r3');
    // Full by the estimate: Docker is asked again, and the three containers are really there.
    live = ['r1', 'r2', 'r3'];
    await expect(capacity.reserve(1, list)).rejects.toThrow(/MAX_RUNNERS is 3 and 3 runner/);
    expect(listings).toBe(3);
    // Full by the estimate, but the containers are gone: Docker is asked again before refusing.
    live = [];
    await capacity.reserve(1, list); // fresh listing: still says 3, asks again
    expect(listings).toBe(4);
  });

  it('counts a failed creation as no container', async () => {
    const capacity = new Capacity(1);
    const [release] = await capacity.reserve(1, async () => []);
    release!();
    await expect(capacity.reserve(1, async () => [])).resolves.toHaveLength(1);
  });
});
