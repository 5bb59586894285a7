import { describe, expect, it } from 'vitest';
import { WORKFLOW_JOB_LIMITS, WorkflowJobEvent } from './workflow-job-event.js';

const event = (job: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
  action: 'queued',
  job: {
    id: 1,
    runId: 2,
    status: 'queued',
    labels: ['self-hosted', 'linux'],
    runnerName: null,
    createdAt: '2026-01-01T10:00:00Z',
    ...job,
  },
  repository: 'octo-org/octo-repo',
  organization: 'octo-org',
  ...extra,
});

const problems = (value: unknown): string[] => {
  const parsed = WorkflowJobEvent.safeParse(value);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('WorkflowJobEvent', () => {
  it('takes an event at every limit', () => {
    expect(
      problems(
        event({
          labels: Array.from({ length: WORKFLOW_JOB_LIMITS.labels }, () => 'l'.repeat(256)),
          runnerName: 'r'.repeat(64),
          status: 'in_progress',
          createdAt: '2022-03-04T18:51:19.000-05:00',
        }),
      ),
    ).toEqual([]);
  });

  it.each([
    [
      'a runner name over 64 characters',
      { runnerName: 'r'.repeat(65) },
      /job\.runnerName: a runner name is at most 64/,
    ],
    [
      'a label over 256 characters',
      { labels: ['self-hosted', 'x'.repeat(257)] },
      /job\.labels\.1: a label is at most 256/,
    ],
    [
      'more than 100 labels',
      { labels: Array.from({ length: 101 }, (_, i) => `l${i}`) },
      /job\.labels: a job has at most 100 labels/,
    ],
    ['a 1 MB status', { status: 's'.repeat(1_000_000) }, /job\.status: a job status is at most 32/],
    ['a long timestamp', { createdAt: '2'.repeat(41) }, /job\.createdAt: a timestamp is at most 40/],
  ])('refuses %s, saying which field and its limit', (_name, job, message) => {
    expect(problems(event(job)).join('\n')).toMatch(message);
  });

  it('refuses an overlong repository, organization or delivery id', () => {
    expect(problems(event({}, { repository: `octo-org/${'r'.repeat(101)}` }))).toHaveLength(1);
    expect(problems(event({}, { organization: 'o'.repeat(40) }))).toHaveLength(1);
    expect(problems(event({}, { deliveryId: 'd'.repeat(101) }))).toHaveLength(1);
  });
});
