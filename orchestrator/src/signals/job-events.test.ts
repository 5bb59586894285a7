import type { WorkflowJobEvent } from '@gha-ephemeral/contract';
import { createLogger } from '@gha-ephemeral/logging';
import { describe, expect, it } from 'vitest';
import { RepositoryVisibility } from '../fleet/repository-visibility.js';
import type { RunnerService } from '../fleet/runner-service.js';
import { DemandBook } from './demand-book.js';
import type { ScopeDemand } from './demand.js';
import { JobEvents } from './job-events.js';
import type { Reconciler } from '../control/reconciler.js';
import type { RunnerPool } from '../pools/pool.js';

// The webhook signal alone: the reconciler is a stand-in that records the demand each nudge would plan on, the
// runner service one that records removals (the real ones are exercised end to end in orchestrator/test).
/** A pool of just-in-time runners with no labels of its own: its runners have GitHub's defaults. */
const TEST_POOL = {
  name: 'default',
  labels: [],
  template: { env: {}, uses: new Set(['jit_config']), entrypoint: null },
  scope: null,
  scaleSet: null,
} as unknown as RunnerPool;

/** Repositories as the stand-in GitHub knows them: `octo/open` is public, every other one private. */
const lookups: string[] = [];
const github = {
  getRepository: async (repository: string) => {
    lookups.push(repository);
    const [owner = '', name = ''] = repository.split('/');
    return { owner, name, fullName: repository, archived: false, disabled: false, private: name !== 'open' };
  },
};

function setUp(options: { allowPublic?: boolean } = {}) {
  const book = new DemandBook();
  const planned: ScopeDemand[][] = [];
  const removed: string[] = [];
  const reconciler = {
    nudge: async (demand: () => readonly ScopeDemand[]) => {
      planned.push([...demand()]);
      return undefined;
    },
  } as unknown as Reconciler;
  const runners = { pools: [TEST_POOL] } as unknown as RunnerService;
  const events = new JobEvents({
    book,
    reconciler,
    runners,
    directory: { invalidate: () => undefined },
    // What control does with the runners the book notes as finished: here, records them.
    onFinished: () => {
      for (const name of book.finishedRunners()) {
        removed.push(name);
        book.forgetFinished(name);
      }
    },
    visibility: new RepositoryVisibility({
      github,
      allowPublic: options.allowPublic ?? false,
      logger: createLogger({ service: 'test', level: 'ERROR' }).logger,
    }),
    logger: createLogger({ service: 'test', level: 'ERROR' }).logger,
    mode: 'all',
    organizations: [],
  });
  let deliveries = 0;
  const deliver = (
    action: WorkflowJobEvent['action'],
    jobId: number,
    runnerName: string | null = null,
    repo: { repository?: string; repositoryPrivate?: boolean } = {},
  ) =>
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
      repository: repo.repository ?? 'octo/hello',
      ...(repo.repositoryPrivate === undefined ? {} : { repositoryPrivate: repo.repositoryPrivate }),
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

describe('JobEvents: public repositories', () => {
  it('refuses a queued job of a public repository: no demand, no pass', async () => {
    const { deliver, queuedJobs, planned } = setUp();
    const open = { repository: 'octo/open', repositoryPrivate: false };
    expect(await deliver('queued', 10, null, open)).toBe('refused');
    expect(queuedJobs()).toEqual([]);
    expect(planned).toEqual([]);
    expect(await deliver('queued', 11, null, { repository: 'octo/closed', repositoryPrivate: true })).toBe(
      'queued',
    );
    expect(queuedJobs()).toEqual([11]);
  });

  it('asks GitHub when the delivery lacks the flag, once while the answer is fresh', async () => {
    const { deliver, queuedJobs } = setUp();
    lookups.length = 0;
    expect(await deliver('queued', 20, null, { repository: 'octo/open' })).toBe('refused');
    expect(await deliver('queued', 21, null, { repository: 'octo/open' })).toBe('refused');
    expect(lookups).toEqual(['octo/open']);
    expect(queuedJobs()).toEqual([]);
  });

  it('takes a public repository’s job with ALLOW_PUBLIC_REPOSITORIES=true, without asking GitHub', async () => {
    const { deliver, queuedJobs } = setUp({ allowPublic: true });
    lookups.length = 0;
    expect(await deliver('queued', 30, null, { repository: 'octo/open', repositoryPrivate: false })).toBe(
      'queued',
    );
    expect(await deliver('queued', 31, null, { repository: 'octo/open' })).toBe('queued');
    expect(lookups).toEqual([]);
    expect(queuedJobs()).toEqual([30, 31]);
  });
});
