import type { RecentJob } from '@gha-ephemeral/contract';
import { describe, expect, it } from 'vitest';
import { RecentJobs, type JobSighting } from './recent-jobs.js';

const T0 = Date.parse('2030-01-01T14:00:00.000Z');

/** A clock the test moves by hand. */
function clock(start = T0) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => (now += ms),
  };
}

const sighting = (id: number, extra: Partial<JobSighting> = {}): JobSighting => ({
  id,
  runId: id * 10,
  repository: 'octo/app',
  labels: ['self-hosted', 'small'],
  createdAt: new Date(T0).toISOString(),
  ...extra,
});

/** Recent jobs watched as the dashboard watches them: every change recorded, conditions set by the test. */
function watched(options: { capacity?: number } = {}) {
  const time = clock();
  const jobs = new RecentJobs({ ...options, now: time.now });
  const changes: RecentJob[] = [];
  const conditions = { engine: true, blockedUntil: null as number | null };
  jobs.watch((job) => changes.push(job), {
    engineReachable: () => conditions.engine,
    githubBlockedUntil: () => conditions.blockedUntil,
  });
  return { jobs, time, changes, conditions };
}

describe('RecentJobs', () => {
  it('keeps the newest jobs up to its capacity, newest first, dropping the oldest', () => {
    const { jobs } = watched({ capacity: 3 });
    for (const id of [1, 2, 3, 4, 5]) jobs.queued(sighting(id));
    expect(jobs.capacity).toBe(3);
    expect(jobs.list().map((job) => job.id)).toEqual([5, 4, 3]);
    expect(jobs.get(1)).toBeUndefined();
    expect(jobs.get(2)).toBeUndefined();
  });

  it('records each step of a job when it happens, and tells of each change in order', () => {
    const { jobs, time, changes } = watched();
    time.advance(1_000);
    jobs.queued(sighting(7, { workflow: 'CI', name: 'build', url: 'https://github.com/octo/app/runs/7' }));
    time.advance(2_000);
    jobs.runnerStarted(7, 'runner-a', 'small');
    time.advance(4_000);
    jobs.taken(7, 'runner-a');
    time.advance(5_000);
    jobs.completed(7, 'success');

    expect(changes.map((job) => job.phase)).toEqual(['queued', 'queued', 'taken', 'completed']);
    expect(changes[1]).toMatchObject({
      runner: 'runner-a',
      pool: 'small',
      waitReason: 'runner runner-a is starting',
    });
    expect(jobs.get(7)).toEqual({
      id: 7,
      runId: 70,
      repository: 'octo/app',
      workflow: 'CI',
      name: 'build',
      url: 'https://github.com/octo/app/runs/7',
      labels: ['self-hosted', 'small'],
      phase: 'completed',
      queuedAt: '2030-01-01T14:00:00.000Z',
      runnerStartedAt: '2030-01-01T14:00:03.000Z',
      takenAt: '2030-01-01T14:00:07.000Z',
      completedAt: '2030-01-01T14:00:12.000Z',
      conclusion: 'success',
      runner: 'runner-a',
      pool: 'small',
      waitReason: null,
    });
    const { overall } = jobs.latency.summary();
    expect(overall.toRunning).toEqual({ count: 1, p50Ms: 3_000, p95Ms: 3_000 });
    expect(overall.toTaken).toEqual({ count: 1, p50Ms: 7_000, p95Ms: 7_000 });
  });

  it('counts a job taken by a runner that was already running as running when it was taken', () => {
    const { jobs, time } = watched();
    jobs.queued(sighting(8));
    time.advance(4_000);
    jobs.taken(8, 'warm-runner');
    expect(jobs.get(8)).toMatchObject({ phase: 'taken', runner: 'warm-runner', runnerStartedAt: null });
    const { overall } = jobs.latency.summary();
    expect(overall.toRunning).toEqual({ count: 1, p50Ms: 4_000, p95Ms: 4_000 });
    expect(overall.toTaken).toEqual(overall.toRunning);
  });

  it('tells of a change only when something changed', () => {
    const { jobs, changes } = watched();
    jobs.queued(sighting(9));
    jobs.queued(sighting(9));
    jobs.planned(9, 'pool small at max 1');
    jobs.planned(9, 'pool small at max 1');
    jobs.taken(9, 'runner-b');
    jobs.taken(9, 'runner-c');
    jobs.completed(9, 'success');
    jobs.completed(9, 'failure');
    expect(changes.map((job) => [job.phase, job.waitReason])).toEqual([
      ['queued', null],
      ['queued', 'pool small at max 1'],
      ['taken', null],
      ['completed', null],
    ]);
    expect(jobs.get(9)).toMatchObject({ runner: 'runner-b', conclusion: 'success' });
  });

  it('says why a queued job waits: engine down, then GitHub blocked, then the plan, then its runner starting', () => {
    const { jobs, time, conditions } = watched();
    jobs.queued(sighting(10));
    expect(jobs.get(10)!.waitReason).toBeNull();
    jobs.runnerStarted(10, 'runner-d', 'small');
    expect(jobs.get(10)!.waitReason).toBe('runner runner-d is starting');
    jobs.planned(10, 'pool small at max 1');
    expect(jobs.get(10)!.waitReason).toBe('pool small at max 1');
    conditions.blockedUntil = time.now() + 2 * 60_000;
    expect(jobs.get(10)!.waitReason).toBe('GitHub rate limited until 14:02 UTC');
    conditions.engine = false;
    expect(jobs.get(10)!.waitReason).toBe('engine unreachable');
    expect(jobs.list()[0]!.waitReason).toBe('engine unreachable');

    conditions.engine = true;
    time.advance(3 * 60_000);
    expect(jobs.get(10)!.waitReason, 'a block that has passed holds nothing up').toBe('pool small at max 1');
    jobs.planned(10, null);
    expect(jobs.get(10)!.waitReason).toBe('runner runner-d is starting');
    jobs.taken(10, 'runner-d');
    conditions.engine = false;
    expect(jobs.get(10)!.waitReason, 'a taken job waits on nothing').toBeNull();
  });

  it('takes a job as taken when the runner started for it is seen busy, and completed when that runner is gone', () => {
    const { jobs, time } = watched();
    jobs.queued(sighting(11));
    jobs.queued(sighting(12));
    jobs.runnerStarted(11, 'runner-e', 'small');
    jobs.runnerStarted(12, 'runner-f', 'small');
    jobs.observeRunners([
      { id: 'runner-e', state: 'starting', jobId: 11 },
      { id: 'runner-f', state: 'idle', jobId: 12 },
    ]);
    expect(jobs.list().map((job) => job.phase)).toEqual(['queued', 'queued']);

    time.advance(1_000);
    jobs.observeRunners([
      { id: 'runner-e', state: 'busy', jobId: 11 },
      { id: 'runner-f', state: 'busy', jobId: 12 },
    ]);
    expect(jobs.get(11)).toMatchObject({
      phase: 'taken',
      runner: 'runner-e',
      takenAt: '2030-01-01T14:00:01.000Z',
    });
    expect(jobs.get(12)).toMatchObject({ phase: 'taken', runner: 'runner-f' });

    time.advance(1_000);
    jobs.observeRunners([{ id: 'runner-f', state: 'exited', jobId: 12 }]);
    expect(jobs.get(11)).toMatchObject({ phase: 'completed', conclusion: null });
    expect(jobs.get(11)!.completedAt).toBe('2030-01-01T14:00:02.000Z');
    expect(jobs.get(12)).toMatchObject({ phase: 'completed', conclusion: null });
  });

  it('does not take a job as taken by a runner GitHub said took another one', () => {
    const { jobs } = watched();
    jobs.queued(sighting(13));
    jobs.queued(sighting(14));
    jobs.runnerStarted(13, 'runner-g', 'small');
    // GitHub hands a runner any job its labels fit: the one started for 13 took 14.
    jobs.taken(14, 'runner-g');
    jobs.observeRunners([{ id: 'runner-g', state: 'busy', jobId: 13 }]);
    expect(jobs.get(13)!.phase).toBe('queued');
    expect(jobs.get(14)).toMatchObject({ phase: 'taken', runner: 'runner-g' });
  });

  it('leaves a job taken by a runner it did not start alone when that runner is not among its own', () => {
    const { jobs } = watched();
    jobs.queued(sighting(15));
    jobs.taken(15, 'someone-elses-runner');
    jobs.observeRunners([]);
    expect(jobs.get(15)!.phase).toBe('taken');
  });

  it('keeps only http(s) addresses as a job link, and fills details a later sighting adds', () => {
    const { jobs, changes } = watched();
    jobs.queued(sighting(16, { url: 'javascript:alert(document.cookie)' }));
    expect(jobs.get(16)!.url).toBeNull();
    jobs.queued(sighting(16, { url: 'JAVASCRIPT:alert(1)', workflow: 'CI', name: 'test' }));
    expect(jobs.get(16)).toMatchObject({ url: null, workflow: 'CI', name: 'test' });
    jobs.queued(sighting(16, { url: 'https://github.com/octo/app/actions/runs/160/job/16' }));
    expect(jobs.get(16)!.url).toBe('https://github.com/octo/app/actions/runs/160/job/16');
    jobs.queued(sighting(16, { url: 'https://evil.example/', workflow: 'Other' }));
    expect(jobs.get(16)).toMatchObject({
      url: 'https://github.com/octo/app/actions/runs/160/job/16',
      workflow: 'CI',
    });
    expect(changes).toHaveLength(3);
    jobs.queued(sighting(17, { url: 'data:text/html,<script>alert(1)</script>' }));
    expect(jobs.get(17)!.url).toBeNull();
  });

  it('dates a job queued when GitHub said, or when first seen if GitHub said nothing readable', () => {
    const { jobs, time } = watched();
    time.advance(9_000);
    jobs.queued(sighting(18, { createdAt: 'not a date' }));
    expect(jobs.get(18)!.queuedAt).toBe('2030-01-01T14:00:09.000Z');
  });

  it('without webhooks: a job gone from the demand was taken, and done once its runner is gone', () => {
    const { jobs, time } = watched();
    jobs.queued(sighting(1));
    jobs.queued(sighting(2));
    jobs.demandSeen(new Set([1, 2]));
    jobs.runnerStarted(1, 'r-1', 'small');
    time.advance(5_000);
    // A short job: its runner took it and ended between two looks, never seen busy.
    jobs.demandSeen(new Set([2]));
    expect(jobs.get(1)).toMatchObject({ phase: 'taken', runner: 'r-1' });
    expect(jobs.get(2)?.phase).toBe('queued');
    jobs.observeRunners([]);
    expect(jobs.get(1)).toMatchObject({ phase: 'completed', conclusion: null });
    // When exactly it was taken is unknown: no latency sample is made up.
    expect(jobs.latency.summary().overall.toTaken.count).toBe(0);
  });

  it('names the replacement runner of a job whose first runner was removed before taking it', () => {
    const { jobs } = watched();
    jobs.queued(sighting(1));
    jobs.runnerStarted(1, 'r-1', 'small');
    jobs.runnerStarted(1, 'r-2', 'small');
    expect(jobs.get(1)).toMatchObject({ runner: 'r-2', waitReason: 'runner r-2 is starting' });
    expect(jobs.latency.summary().overall.toRunning.count).toBe(1);
  });

  it('shows the pool a job waits for when the pool is at its max', () => {
    const { jobs } = watched();
    jobs.queued(sighting(1));
    jobs.planned(1, 'pool small at max 1', 'small');
    expect(jobs.get(1)).toMatchObject({ pool: 'small', waitReason: 'pool small at max 1' });
  });

  it('does not bring back a job it dropped: a queue longer than the ring does not churn it', () => {
    const { jobs, changes } = watched({ capacity: 2 });
    for (const id of [1, 2, 3]) jobs.queued(sighting(id));
    const before = changes.length;
    // Every pass sees all three queued again: the dropped one stays out, the others have no news.
    for (const id of [1, 2, 3]) jobs.queued(sighting(id));
    expect(jobs.list().map((job) => job.id)).toEqual([3, 2]);
    expect(changes.length).toBe(before);
  });

  it('takes no latency sample of a job no pool fits (not ours to serve)', () => {
    const { jobs } = watched();
    jobs.queued(sighting(1));
    jobs.planned(1, 'no pool fits labels [self-hosted, gpu]', null);
    jobs.taken(1, 'someone-else');
    expect(jobs.get(1)?.phase).toBe('taken');
    expect(jobs.latency.summary().overall.toTaken.count).toBe(0);
  });

  it("learns from a poll when jobs were taken and how they ended, and that a vanished run's taken job ended", () => {
    const { jobs, time } = watched();
    for (const id of [1, 2, 3]) jobs.queued(sighting(id));
    time.advance(60_000);
    const startedAt = new Date(T0 + 2_000).toISOString();
    jobs.polled('octo/app', [
      { id: 1, status: 'in_progress', runnerName: 'warm-1', startedAt },
      {
        id: 2,
        status: 'completed',
        runnerName: 'r-2',
        startedAt,
        conclusion: 'failure',
        completedAt: startedAt,
      },
      { id: 3, status: 'queued' },
    ]);
    expect(jobs.get(1)).toMatchObject({ phase: 'taken', runner: 'warm-1', takenAt: startedAt });
    expect(jobs.get(2)).toMatchObject({ phase: 'completed', conclusion: 'failure' });
    expect(jobs.get(3)?.phase).toBe('queued');
    // GitHub's own times, not the poll's: taken 2 s after queued.
    expect(jobs.latency.summary().overall.toTaken).toMatchObject({ count: 2, p50Ms: 2_000 });
    // The next poll no longer lists job 1's run (it ended): job 1 has ended, how is unknown.
    jobs.polled('octo/app', [{ id: 3, status: 'queued' }]);
    expect(jobs.get(1)).toMatchObject({ phase: 'completed', conclusion: null });
    // Another repository's poll says nothing of this one's jobs.
    jobs.queued(sighting(4));
    jobs.taken(4, 'r-4');
    jobs.polled('octo/other', []);
    expect(jobs.get(4)?.phase).toBe('taken');
  });
});
