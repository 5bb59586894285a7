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
});
