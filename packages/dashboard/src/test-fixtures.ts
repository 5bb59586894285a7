import type { JobLatency, RecentJob, Runner } from './types';

/** A runner as the API shows it, with `overrides`. */
export function aRunner(overrides: Partial<Runner> = {}): Runner {
  return {
    id: 'gha-default-1',
    name: 'gha-default-1',
    status: 'idle',
    scope: 'repository',
    target: 'acme/web',
    labels: ['self-hosted'],
    image: 'runner:latest',
    containerId: 'c1',
    createdAt: '2026-01-01T12:00:00.000Z',
    githubRunnerId: 1,
    busy: false,
    jobId: null,
    pool: 'default',
    ...overrides,
  };
}

/** A recent job as the API shows it, with `overrides`. */
export function aJob(overrides: Partial<RecentJob> = {}): RecentJob {
  return {
    id: 1,
    runId: 10,
    repository: 'acme/web',
    workflow: 'CI',
    name: 'build',
    url: 'https://github.com/acme/web/actions/runs/10/job/1',
    labels: ['self-hosted'],
    phase: 'queued',
    queuedAt: '2026-01-01T12:00:00.000Z',
    runnerStartedAt: null,
    takenAt: null,
    completedAt: null,
    conclusion: null,
    runner: null,
    pool: 'default',
    waitReason: null,
    ...overrides,
  };
}

/** An hour of latency without jobs. */
export function emptyLatency(): JobLatency {
  const none = { count: 0, p50Ms: null, p95Ms: null };
  return { windowMinutes: 60, bucketMinutes: 5, buckets: [], overall: { toRunning: none, toTaken: none } };
}
