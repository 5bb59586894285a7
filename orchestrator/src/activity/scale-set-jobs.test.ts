import { describe, expect, it } from 'vitest';
import { RecentJobs } from './recent-jobs.js';
import { recordScaleSetJob } from './scale-set-jobs.js';

describe("a scale set's job messages in the recent jobs", () => {
  const base = {
    runnerRequestId: 77,
    ownerName: 'octo',
    repositoryName: 'app',
    jobDisplayName: 'build',
    jobWorkflowRef: 'octo/app/.github/workflows/ci.yml@refs/heads/main',
    requestLabels: ['arc-small'],
    queueTime: '2026-12-01T10:00:00Z',
  };

  it('follows a job from assigned to completed, by its numeric job id', () => {
    let now = Date.parse('2026-12-01T10:00:05Z');
    const jobs = new RecentJobs({ now: () => now });
    recordScaleSetJob(jobs, 'arc', { ...base, messageType: 'JobAssigned', jobId: '4242' });
    expect(jobs.get(4242)).toMatchObject({
      repository: 'octo/app',
      name: 'build',
      workflow: 'ci.yml',
      labels: ['arc-small'],
      phase: 'queued',
      pool: 'arc',
    });
    recordScaleSetJob(jobs, 'arc', {
      ...base,
      messageType: 'JobStarted',
      jobId: 4242,
      runnerName: 'r-1',
      runnerAssignTime: '2026-12-01T10:00:03Z',
    });
    expect(jobs.get(4242)).toMatchObject({
      phase: 'taken',
      runner: 'r-1',
      takenAt: '2026-12-01T10:00:03.000Z',
    });
    now += 60_000;
    recordScaleSetJob(jobs, 'arc', {
      ...base,
      messageType: 'JobCompleted',
      jobId: '4242',
      result: 'succeeded',
    });
    expect(jobs.get(4242)).toMatchObject({ phase: 'completed', conclusion: 'succeeded' });
    expect(jobs.latency.summary().overall.toTaken).toEqual({ count: 1, p50Ms: 3000, p95Ms: 3000 });
  });

  it('keys a job GitHub names by GUID on its runner request id', () => {
    const jobs = new RecentJobs();
    recordScaleSetJob(jobs, 'arc', { ...base, messageType: 'JobAssigned', jobId: 'a1b2c3d4-guid' });
    expect(jobs.get(77)?.repository).toBe('octo/app');
  });
});
