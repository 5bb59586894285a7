import type { ScaleSetStatistics } from '@gha-ephemeral/github';
import { describe, expect, it } from 'vitest';
import { ScaleSetDemand } from './scale-set-demand.js';

const stats = (over: Partial<ScaleSetStatistics> = {}): ScaleSetStatistics => ({
  totalAvailableJobs: 0,
  totalAcquiredJobs: 0,
  totalAssignedJobs: 0,
  totalRunningJobs: 0,
  totalRegisteredRunners: 0,
  totalBusyRunners: 0,
  totalIdleRunners: 0,
  ...over,
});

function demandOf(max = 5, minIdle = 0) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const demand = new ScaleSetDemand([{ pool: 'linux', name: 'linux-set', max, minIdle }], () => now);
  return { demand, advance: (ms: number) => (now += ms) };
}

describe('ScaleSetDemand', () => {
  it.each([
    // max, minIdle, totalAssignedJobs, desired
    [5, 0, 0, 0],
    [5, 0, 3, 3],
    [5, 2, 0, 2],
    [5, 2, 2, 4],
    [5, 2, 7, 5],
    [5, 0, 40, 5],
  ])('max %i, minIdle %i, %i assigned jobs → desired %i', (max, minIdle, assigned, desired) => {
    const { demand } = demandOf(max, minIdle);
    demand.record(
      'linux',
      stats({ totalAssignedJobs: assigned, totalRunningJobs: 99, totalIdleRunners: 9 }),
      true,
    );
    expect(demand.plans().get('linux')?.desired).toBe(desired);
    expect(demand.statuses()[0]?.desired).toBe(desired);
  });

  it('has no plan, and desired null, before GitHub sent statistics, even with minIdle', () => {
    const { demand } = demandOf(5, 2);
    expect(demand.plans().size).toBe(0);
    expect(demand.statuses()[0]).toMatchObject({
      desired: null,
      statistics: null,
      state: 'starting',
      id: null,
    });
    demand.record('linux', null, true);
    expect(demand.plans().size).toBe(0);
    demand.record('linux', stats({ totalAssignedJobs: 1 }), false);
    expect(demand.plans().get('linux')?.desired).toBe(3);
  });

  it('keeps the last statistics when a message carries none; only a message stamps lastMessageAt', () => {
    const { demand, advance } = demandOf();
    demand.record('linux', stats({ totalAssignedJobs: 2 }), false);
    expect(demand.statuses()[0]?.lastMessageAt).toBeNull();
    advance(1_000);
    demand.record('linux', null, true);
    expect(demand.statuses()[0]).toMatchObject({
      desired: 2,
      lastMessageAt: '2026-01-01T00:00:01.000Z',
      statistics: { totalAssignedJobs: 2 },
    });
  });

  it('keeps the time a state began while it stays; the detail follows the latest word', () => {
    const { demand, advance } = demandOf();
    expect(demand.statuses()[0]?.since).toBe('2026-01-01T00:00:00.000Z');
    advance(1_000);
    demand.setState('linux', 'conflict', 'another listener holds it');
    advance(5_000);
    demand.setState('linux', 'conflict', 'another listener still holds it');
    expect(demand.statuses()[0]).toMatchObject({
      state: 'conflict',
      detail: 'another listener still holds it',
      since: '2026-01-01T00:00:01.000Z',
    });
    advance(1_000);
    demand.setState('linux', 'listening');
    expect(demand.statuses()[0]).toMatchObject({
      state: 'listening',
      detail: null,
      since: '2026-01-01T00:00:07.000Z',
    });
  });

  it('remembers the scale set id per pool, null until known', () => {
    const { demand } = demandOf();
    expect(demand.scaleSetId('linux')).toBeNull();
    expect(demand.scaleSetId('unknown-pool')).toBeNull();
    demand.setScaleSetId('linux', 42);
    expect(demand.scaleSetId('linux')).toBe(42);
    expect(demand.statuses()[0]?.id).toBe(42);
    expect(demand.pools()).toEqual([{ pool: 'linux', name: 'linux-set', max: 5, minIdle: 0 }]);
  });

  it('tracks busy and done runners from JobStarted and JobCompleted, and forgets them', () => {
    const { demand } = demandOf();
    demand.record('linux', stats(), false);
    demand.jobStarted('linux', 'r-1');
    demand.jobStarted('linux', 'r-2');
    demand.jobCompleted('linux', 'r-1');
    // A JobCompleted without a JobStarted (a job canceled before it started) marks the runner done too.
    demand.jobCompleted('linux', 'r-3');
    let plan = demand.plans().get('linux');
    expect([...(plan?.busy ?? [])]).toEqual(['r-2']);
    expect([...(plan?.done ?? [])].sort()).toEqual(['r-1', 'r-3']);
    demand.forget('r-1');
    demand.forget('r-2');
    plan = demand.plans().get('linux');
    expect([...(plan?.busy ?? [])]).toEqual([]);
    expect([...(plan?.done ?? [])]).toEqual(['r-3']);
  });

  it('bounds the busy and done memories: the oldest names go first', () => {
    const { demand } = demandOf();
    demand.record('linux', stats(), false);
    const count = 10_050;
    for (let i = 0; i < count; i += 1) {
      demand.jobStarted('linux', `busy-${i}`);
      demand.jobCompleted('linux', `done-${i}`);
    }
    const plan = demand.plans().get('linux');
    expect(plan?.busy.size).toBeLessThanOrEqual(10_000);
    expect(plan?.done.size).toBeLessThanOrEqual(10_000);
    expect(plan?.busy.has(`busy-${count - 1}`)).toBe(true);
    expect(plan?.busy.has('busy-0')).toBe(false);
    expect(plan?.done.has(`done-${count - 1}`)).toBe(true);
    expect(plan?.done.has('done-0')).toBe(false);
  });

  it('refuses an unknown pool instead of inventing one', () => {
    const { demand } = demandOf();
    expect(() => demand.setState('nope', 'listening')).toThrow(/no scale-set pool "nope"/);
    expect(() => demand.record('nope', stats(), true)).toThrow(/no scale-set pool/);
  });
});
