import type { WorkflowJobEvent } from '@gha-ephemeral/contract';
import { createLogger } from '@gha-ephemeral/logging';
import { describe, expect, it } from 'vitest';
import type { RunnerService } from '../runners/runner-service.js';
import { DemandBook } from './demand-book.js';
import type { ScopeDemand } from './demand.js';
import { JobEvents } from './job-events.js';
import type { Reconciler } from './reconciler.js';

// The webhook signal alone: the reconciler is a stand-in that records the demand each nudge would plan on, the
// runner service one that records removals (the real ones are exercised end to end in orchestrator/test).
const POOL = ['self-hosted', 'Linux', 'X64'];

function setUp() {
  const book = new DemandBook();
  const planned: ScopeDemand[][] = [];
  const removed: string[] = [];
  const reconciler = {
    nudge: async (demand: () => readonly ScopeDemand[]) => {
      planned.push([...demand()]);
      return undefined;
    },
  } as unknown as Reconciler;
  const runners = {
    poolLabels: POOL,
    directory: { invalidate: () => undefined },
    remove: async (name: string) => {
      removed.push(name);
      return true;
    },
  } as unknown as RunnerService;
  const events = new JobEvents({
    book,
    reconciler,
    runners,
    logger: createLogger({ service: 'test', level: 'ERROR' }).logger,
    mode: 'all',
    organizations: [],
  });
  let deliveries = 0;
  const deliver = (action: WorkflowJobEvent['action'], jobId: number, runnerName: string | null = null) =>
    events.handle({
      deliveryId: `delivery-${(deliveries += 1)}`,
      action,
      job: {
        id: jobId,
        runId: 1,
        status: action,
        labels: ['self-hosted'],
        runnerName,
        createdAt: '2026-01-01T00:00:00Z',
      },
      repository: 'octo/hello',
      organization: null,
    });
  const queuedJobs = () => book.demand().flatMap(({ jobs }) => jobs.map((job) => job.id));
  return { deliver, queuedJobs, planned, removed };
}

describe('JobEvents: a job only moves forward', () => {
  it('ignores a queued delivery, under a fresh delivery id, for a job already completed', async () => {
    const { deliver, queuedJobs, planned } = setUp();
    expect(await deliver('queued', 1)).toBe('queued');
    expect(await deliver('in_progress', 1, 'gha-octo-hello-r1')).toBe('started');
    expect(await deliver('completed', 1, 'gha-octo-hello-r1')).toBe('completed');
    const nudges = planned.length;
    expect(await deliver('queued', 1)).toBe('ignored');
    expect(queuedJobs()).toEqual([]);
    expect(planned).toHaveLength(nudges);
  });

  it('ignores queued after in_progress, and in_progress after completed', async () => {
    const { deliver, queuedJobs, removed } = setUp();
    await deliver('queued', 2);
    await deliver('in_progress', 2, 'gha-octo-hello-r2');
    expect(await deliver('queued', 2)).toBe('ignored');
    expect(queuedJobs()).toEqual([]);
    await deliver('completed', 2, 'gha-octo-hello-r2');
    expect(removed).toEqual(['gha-octo-hello-r2']);
    expect(await deliver('in_progress', 2, 'gha-octo-hello-r2')).toBe('ignored');
  });

  it('keeps one entry for a job queued twice under different delivery ids', async () => {
    const { deliver, queuedJobs } = setUp();
    expect(await deliver('queued', 3)).toBe('queued');
    expect(await deliver('queued', 3)).toBe('queued');
    expect(queuedJobs()).toEqual([3]);
  });

  it('takes a job that moves several steps at once (a delivery lost on the way)', async () => {
    const { deliver, queuedJobs } = setUp();
    await deliver('queued', 4);
    expect(await deliver('completed', 4, 'gha-octo-hello-r4')).toBe('completed');
    expect(queuedJobs()).toEqual([]);
    expect(await deliver('queued', 5)).toBe('queued');
    expect(queuedJobs()).toEqual([5]);
  });
});
