import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScopeDemand } from '../signals/demand.js';
import { PassScheduler } from './pass-scheduler.js';
import type { PassOptions, PassResult } from './reconciler.js';

// When passes run, with passes the test holds open: each records its options and waits until the test plans it
// (calls its `onPlanned`) and finishes it.
interface HeldPass {
  options: PassOptions;
  plan(): void;
  finish(listingReused?: boolean): void;
}

function heldPasses() {
  const passes: HeldPass[] = [];
  const run = (_read: () => readonly ScopeDemand[], options: PassOptions) =>
    new Promise<PassResult>((resolve) => {
      passes.push({
        options,
        plan: () => options.onPlanned?.(),
        finish: (listingReused = false) =>
          resolve({
            plan: {} as PassResult['plan'],
            created: 0,
            removed: 0,
            orphansRemoved: 0,
            failures: 0,
            listingReused,
          }),
      });
    });
  return { passes, scheduler: new PassScheduler(run, Date.now) };
}

const demand = (): readonly ScopeDemand[] => [];
/** Lets every pending promise callback run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.useRealTimers();
});

describe('PassScheduler', () => {
  it('runs full passes one at a time', async () => {
    const { passes, scheduler } = heldPasses();
    const first = scheduler.full(demand, {});
    const second = scheduler.full(demand, { removalsOnly: true });
    await settle();
    expect(passes).toHaveLength(1);
    passes[0]!.finish();
    await first;
    await settle();
    expect(passes.map((p) => p.options.removalsOnly)).toEqual([undefined, true]);
    passes[1]!.finish();
    await second;
  });

  it('starts the next nudged pass once the previous one has planned, before it finishes', async () => {
    const { passes, scheduler } = heldPasses();
    void scheduler.nudge(demand);
    await settle();
    void scheduler.nudge(demand);
    await settle();
    expect(passes).toHaveLength(1);
    expect(passes[0]!.options).toMatchObject({ createsOnly: true, freshListing: false });
    passes[0]!.plan();
    await settle();
    expect(passes).toHaveLength(2);
    passes[0]!.finish();
    passes[1]!.finish();
  });

  it('lets nudges that come while one waits share it', async () => {
    const { passes, scheduler } = heldPasses();
    void scheduler.nudge(demand);
    await settle();
    const waiting = [
      scheduler.nudge(demand),
      scheduler.nudge(demand, undefined, true),
      scheduler.nudge(demand),
    ];
    expect(new Set(waiting).size).toBe(1);
    passes[0]!.plan();
    await settle();
    expect(passes).toHaveLength(2);
    expect(passes[1]!.options.freshListing).toBe(true);
    passes[0]!.finish();
    passes[1]!.finish();
    await Promise.all(waiting);
  });

  it('holds nudged passes until the full pass in flight is done, and full ones until every pass is', async () => {
    const { passes, scheduler } = heldPasses();
    void scheduler.full(demand, {});
    void scheduler.nudge(demand);
    await settle();
    expect(passes).toHaveLength(1);
    passes[0]!.finish();
    await settle();
    expect(passes[1]!.options.createsOnly).toBe(true);
    void scheduler.full(demand, {});
    passes[1]!.plan();
    await settle();
    expect(passes).toHaveLength(2);
    passes[1]!.finish();
    await settle();
    expect(passes).toHaveLength(3);
    passes[2]!.finish();
  });

  it('follows a nudged pass that planned on an older listing with one on a fresh listing', async () => {
    const { passes, scheduler } = heldPasses();
    void scheduler.nudge(demand);
    await settle();
    passes[0]!.finish(true);
    await settle();
    expect(passes).toHaveLength(2);
    expect(passes[1]!.options.freshListing).toBe(true);
    passes[1]!.finish();
  });

  it('re-checks once, at the earliest time asked for, on a fresh listing', async () => {
    vi.useFakeTimers();
    const { passes, scheduler } = heldPasses();
    scheduler.recheckIn(demand, 5_000);
    scheduler.recheckIn(demand, 1_000);
    scheduler.recheckIn(demand, 3_000);
    await vi.advanceTimersByTimeAsync(999);
    expect(passes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes.map((p) => p.options.freshListing)).toEqual([true]);
    passes[0]!.finish();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(passes).toHaveLength(1);
  });

  it('re-checks no more once stopped', async () => {
    vi.useFakeTimers();
    const { passes, scheduler } = heldPasses();
    scheduler.recheckIn(demand, 1_000);
    scheduler.stop();
    scheduler.recheckIn(demand, 1_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(passes).toHaveLength(0);
  });
});
