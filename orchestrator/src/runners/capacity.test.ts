import { isAppError } from '@gha-ephemeral/contract';
import { describe, expect, it } from 'vitest';
import { Capacity } from './capacity.js';

describe('Capacity', () => {
  it('admits up to the maximum, counting runners still starting', async () => {
    const capacity = new Capacity(3);
    const first = await capacity.reserve(2, async () => 0);
    await expect(capacity.reserve(2, async () => 0)).rejects.toThrow(/MAX_RUNNERS is 3 and 2 runner/);
    first.forEach((release) => release());
    await expect(capacity.reserve(3, async () => 0)).resolves.toHaveLength(3);
  });

  it('never lets two concurrent requests take the last slot', async () => {
    const capacity = new Capacity(1);
    const results = await Promise.allSettled([
      capacity.reserve(1, async () => 0),
      capacity.reserve(1, async () => 0),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(isAppError(rejected?.reason) && rejected.reason.code).toBe('runner.capacity_reached');
  });

  it('counts existing containers', async () => {
    const capacity = new Capacity(5);
    await expect(capacity.reserve(1, async () => 5)).rejects.toMatchObject({ statusCode: 429 });
  });

  it('releases a slot once only', async () => {
    const capacity = new Capacity(1);
    const [release] = await capacity.reserve(1, async () => 0);
    release!();
    release!();
    await capacity.reserve(1, async () => 0);
    await expect(capacity.reserve(1, async () => 0)).rejects.toThrow();
  });

  it('asks Docker once for a burst, counting the runners started since as containers', async () => {
    let listings = 0;
    let now = 0;
    const capacity = new Capacity(3, () => now);
    const count = async () => {
      listings += 1;
      return 0;
    };
    for (let i = 0; i < 3; i += 1) (await capacity.reserve(1, count)).forEach((release) => release());
    expect(listings).toBe(1);
    // Full by the estimate: Docker is asked again, and the three containers are really there.
    await expect(capacity.reserve(1, async () => ((listings += 1), 3))).rejects.toThrow(/MAX_RUNNERS is 3/);
    expect(listings).toBe(2);
    // Full by the estimate, but the containers are gone: Docker is asked again before refusing.
    await expect(capacity.reserve(1, async () => ((listings += 1), 0))).resolves.toHaveLength(1);
    expect(listings).toBe(3);
    now += 60_000;
    await capacity.reserve(1, count);
    expect(listings).toBe(4);
  });
});
