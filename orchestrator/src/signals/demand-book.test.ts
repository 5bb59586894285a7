import type { GitHubScope } from '@gha-ephemeral/github';
import { describe, expect, it } from 'vitest';
import { DemandBook } from './demand-book.js';
import type { QueuedJob } from './demand.js';

const repo: GitHubScope = { kind: 'repository', owner: 'octo', repo: 'hello' };
const org: GitHubScope = { kind: 'organization', org: 'acme' };
const job = (id: number, repository = 'octo/hello'): QueuedJob => ({
  id,
  runId: id,
  repository,
  labels: ['self-hosted'],
  createdAt: '2026-01-01T00:00:00Z',
});

describe('DemandBook', () => {
  it('groups the jobs reported by webhooks by scope and forgets started ones', () => {
    let now = 1000;
    const book = new DemandBook(() => now);
    book.add(repo, job(1));
    book.add(repo, job(2));
    book.add(org, job(3, 'acme/app'));
    book.remove(2);
    expect(book.demand()).toEqual([
      { scope: repo, jobs: [job(1)] },
      { scope: org, jobs: [job(3, 'acme/app')] },
    ]);
    now = 2000;
    book.add(repo, job(1));
    expect(book.demand()[0]?.jobs).toHaveLength(1);
  });

  it('lets a poll replace what it saw, but keeps jobs a webhook reported while the poll ran', () => {
    let now = 1000;
    const book = new DemandBook(() => now);
    book.add(repo, job(1)); // seen before the poll began: the poll's answer wins
    now = 2000;
    const pollStarted = 1500;
    book.add(repo, job(2)); // reported during the poll: kept even though the poll did not see it
    book.replace([{ scope: org, jobs: [job(3, 'acme/app')] }], pollStarted);
    const ids = book
      .demand()
      .flatMap((d) => d.jobs)
      .map((j) => j.id)
      .sort();
    expect(ids).toEqual([2, 3]);
  });

  it('remembers which job each runner took, which need not be the one it was started for', () => {
    const book = new DemandBook();
    book.add(repo, job(1));
    book.add(repo, job(2));
    book.started(2, 'gha-runner-for-job-1');
    expect(book.demand()[0]?.jobs.map((j) => j.id)).toEqual([1]);
    expect(book.jobRunningOn('gha-runner-for-job-1')).toBe(2);
    expect(book.jobRunningOn('gha-another')).toBeUndefined();
  });

  it('does not take back a job reported taken while a poll ran', () => {
    const book = new DemandBook();
    book.add(repo, job(1));
    const pollStarted = Date.now();
    book.started(1, 'gha-runner-a'); // in_progress arrives while the poll still runs
    book.replace([{ scope: repo, jobs: [job(1)] }], pollStarted); // the poll saw it queued
    expect(book.demand()).toEqual([]);
  });
});
