import type { GitHubScope } from '@gha-ephemeral/github';
import { describe, expect, it } from 'vitest';
import { scopeKey, type ObservedRunner, type QueuedJob, type ScopeDemand } from '../signals/demand.js';
import { labelsMatch, planKey, planRunners, type PlanLimits, type PlanPool } from './plan.js';

const repo: GitHubScope = { kind: 'repository', owner: 'octo', repo: 'hello' };
const other: GitHubScope = { kind: 'repository', owner: 'octo', repo: 'other' };
const POOL = ['self-hosted', 'Linux', 'X64', 'gpu'];
const limits: PlanLimits = { maxRunners: 10, startTimeoutMs: 180_000, idleTimeoutMs: 300_000 };
const NOW = 1_000_000_000;
const POOL_SPEC: PlanPool = { name: 'default', labels: POOL, max: 10, minIdle: 0, scope: null };

let nextJob = 1;
function job(labels: string[] = ['self-hosted'], createdAt = '2026-01-01T00:00:00Z'): QueuedJob {
  const id = nextJob++;
  return { id, runId: id, repository: 'octo/hello', labels, createdAt };
}
function runner(state: ObservedRunner['state'], over: Partial<ObservedRunner> = {}): ObservedRunner {
  return {
    id: `r-${Math.random()}`,
    scope: repo,
    scopeKey: scopeKey(repo),
    verified: true,
    labels: POOL,
    state,
    createdAtMs: NOW - 1000,
    jobId: null,
    pool: 'default',
    ...over,
  };
}
function plan(demand: ScopeDemand[], runners: ObservedRunner[] = [], over: Partial<PlanLimits> = {}) {
  return planRunners({ demand, runners, pools: [POOL_SPEC], limits: { ...limits, ...over }, nowMs: NOW });
}
const creates = (p: ReturnType<typeof plan>) => p.actions.filter((a) => a.kind === 'create');
const removes = (p: ReturnType<typeof plan>) => p.actions.filter((a) => a.kind === 'remove');

describe('labelsMatch', () => {
  it.each([
    [['self-hosted'], POOL, true],
    [['SELF-HOSTED', 'linux', 'GPU'], POOL, true],
    [['self-hosted', 'windows'], POOL, false],
    [['ubuntu-latest'], POOL, false],
    [[], POOL, true],
  ])('job %j on runner %j → %s', (jobLabels, runnerLabels, expected) => {
    expect(labelsMatch(jobLabels, runnerLabels)).toBe(expected);
  });
});

describe('planRunners', () => {
  it('starts one runner per queued matching job', () => {
    const jobs = [job(), job(['self-hosted', 'gpu']), job(['Self-Hosted', 'LINUX'])];
    const p = plan([{ scope: repo, jobs }]);
    expect(creates(p).map((a) => a.kind === 'create' && a.jobId)).toEqual(jobs.map((j) => j.id));
    expect(p).toMatchObject({ deferredJobs: 0, unmatchedJobs: 0 });
  });

  it('starts nothing for a job whose labels the pool lacks, and says why it waits', () => {
    const windows = job(['self-hosted', 'windows']);
    const p = plan([{ scope: repo, jobs: [windows, job(['ubuntu-latest'])] }]);
    expect(p.actions).toEqual([]);
    expect(p.unmatchedJobs).toBe(2);
    expect(p.waits.get(windows.id)).toEqual({
      reason: 'no pool fits labels [self-hosted, windows]',
      pool: null,
    });
  });

  it('does not start another runner while the runner for a job is still starting (steady state)', () => {
    const queued = job();
    const p = plan([{ scope: repo, jobs: [queued] }], [runner('starting', { jobId: queued.id })]);
    expect(p.actions).toEqual([]);
  });

  it('counts idle runners of the scope, whatever job they were started for', () => {
    const p = plan([{ scope: repo, jobs: [job(), job()] }], [runner('idle', { jobId: 999 })]);
    expect(creates(p)).toHaveLength(1);
  });

  it('ignores busy runners and runners of other scopes when covering jobs', () => {
    const p = plan(
      [{ scope: repo, jobs: [job()] }],
      [runner('busy'), runner('idle', { scopeKey: scopeKey(other) }), runner('exited')],
    );
    expect(creates(p)).toHaveLength(1);
  });

  it('takes a job that looks queued as served by the busy runner started for it (the demand is a moment older)', () => {
    const taken = job();
    const waiting = job();
    const p = plan([{ scope: repo, jobs: [taken, waiting] }], [runner('busy', { jobId: taken.id })]);
    expect(creates(p).map((a) => a.kind === 'create' && a.jobId)).toEqual([waiting.id]);
  });

  it('counts jobs taken but not yet reported as served, oldest first, whichever runners took them', () => {
    const oldest = job(['self-hosted'], '2026-01-01T00:00:00Z');
    const middle = job(['self-hosted'], '2026-01-01T00:00:01Z');
    const newest = job(['self-hosted'], '2026-01-01T00:00:02Z');
    // Two runners took jobs whose in_progress is on its way (one still busy, one gone); one runner is idle.
    const p = planRunners({
      demand: [{ scope: repo, jobs: [newest, middle, oldest] }],
      runners: [runner('busy'), runner('idle', { jobId: oldest.id })],
      pools: [POOL_SPEC],
      limits,
      nowMs: NOW,
      takenUnreported: new Map([[planKey('default', scopeKey(repo)), 2]]),
    });
    // Three queued, two taken: the idle runner takes the last one, whichever it was started for.
    expect(creates(p)).toEqual([]);
    const more = planRunners({
      demand: [{ scope: repo, jobs: [newest, middle, oldest] }],
      runners: [],
      pools: [POOL_SPEC],
      limits,
      nowMs: NOW,
      takenUnreported: new Map([[planKey('default', scopeKey(repo)), 2]]),
    });
    expect(creates(more).map((a) => a.kind === 'create' && a.jobId)).toEqual([newest.id]);
  });

  it('caps at MAX_RUNNERS across scopes, oldest jobs first, and reports the rest as deferred', () => {
    const old = job(['self-hosted'], '2026-01-01T00:00:00Z');
    const young = job(['self-hosted'], '2026-01-02T00:00:00Z');
    const p = plan(
      [
        { scope: other, jobs: [young] },
        { scope: repo, jobs: [old] },
      ],
      [runner('busy')],
      { maxRunners: 2 },
    );
    expect(creates(p)).toEqual([expect.objectContaining({ jobId: old.id, scope: repo })]);
    expect(p.deferredJobs).toBe(1);
    expect(p.waits.get(young.id)).toEqual({ reason: 'MAX_RUNNERS (2) reached', pool: 'default' });
    expect(p.waits.has(old.id)).toBe(false);
  });

  it('removes runners that never came online within the start timeout', () => {
    const stuck = runner('starting', { createdAtMs: NOW - 200_000 });
    const lost = runner('offline', { createdAtMs: NOW - 200_000 });
    const p = plan([], [stuck, lost, runner('starting')]);
    expect(removes(p)).toEqual([
      { kind: 'remove', runnerId: stuck.id, reason: 'start-timeout' },
      { kind: 'remove', runnerId: lost.id, reason: 'start-timeout' },
    ]);
  });

  it('replaces a stuck runner when its job still waits', () => {
    const queued = job();
    const p = plan(
      [{ scope: repo, jobs: [queued] }],
      [runner('starting', { createdAtMs: NOW - 200_000, jobId: queued.id })],
    );
    expect(removes(p)).toHaveLength(1);
    // The stuck runner is removed first (it never came online, so it cannot take the job), and a fresh one starts.
    expect(creates(p).map((a) => a.kind === 'create' && a.jobId)).toEqual([queued.id]);
  });

  it('removes idle runners past the idle timeout only when no queued job needs them', () => {
    const oldIdle = runner('idle', { createdAtMs: NOW - 400_000 });
    expect(removes(plan([], [oldIdle]))).toEqual([
      { kind: 'remove', runnerId: oldIdle.id, reason: 'idle-timeout' },
    ]);
    expect(removes(plan([{ scope: repo, jobs: [job()] }], [oldIdle]))).toEqual([]);
    expect(removes(plan([], [runner('idle')]))).toEqual([]);
  });

  it('never removes a busy runner, however old', () => {
    expect(plan([], [runner('busy', { createdAtMs: 0 })]).actions).toEqual([]);
  });

  it('frees capacity by removals before it plans creations', () => {
    const stuck = runner('starting', { createdAtMs: NOW - 200_000, scopeKey: scopeKey(other) });
    const p = plan([{ scope: repo, jobs: [job()] }], [stuck], { maxRunners: 1 });
    expect(p.actions.map((a) => a.kind)).toEqual(['remove', 'create']);
  });
});

describe('planRunners with pools and warm runners', () => {
  const warm: PlanPool = { name: 'warm', labels: [...POOL, 'warm'], max: 4, minIdle: 2, scope: repo };
  const small: PlanPool = { name: 'small', labels: POOL, max: 1, minIdle: 0, scope: null };
  const planPools = (demand: ScopeDemand[], runners: ObservedRunner[], over: Partial<PlanLimits> = {}) =>
    planRunners({ demand, runners, pools: [warm, small], limits: { ...limits, ...over }, nowMs: NOW });
  const warmRunner = (state: ObservedRunner['state'], over: Partial<ObservedRunner> = {}) =>
    runner(state, { pool: 'warm', ...over });

  it.each([
    ['no runner yet: two warm ones', [], [], 2],
    ['one idle: one more', [], ['idle'], 1],
    ['two starting: none', [], ['starting', 'starting'], 0],
    ['one job, two idle: one more (one will take the job)', [['self-hosted', 'warm']], ['idle', 'idle'], 1],
    ['a busy one does not count as warm', [], ['busy', 'idle'], 1],
  ] as const)('%s', (_name, jobLabels, states, expected) => {
    const jobs = jobLabels.map((labels) => job([...labels]));
    const p = planPools(
      [{ scope: repo, jobs }],
      states.map((state) => warmRunner(state)),
    );
    expect(creates(p).filter((a) => a.kind === 'create' && a.pool === 'warm')).toHaveLength(expected);
  });

  it("starts warm runners in the pool's own scope, for no job", () => {
    const p = planPools([], []);
    expect(creates(p)).toEqual([
      { kind: 'create', scope: repo, pool: 'warm', jobId: null, reason: 'warm runner' },
      { kind: 'create', scope: repo, pool: 'warm', jobId: null, reason: 'warm runner' },
    ]);
  });

  it('never removes warm runners below minIdle at the idle timeout, but replaces stale ones', () => {
    const old = NOW - 400_000;
    const p = planPools(
      [],
      [
        warmRunner('idle', { createdAtMs: old }),
        warmRunner('idle', { createdAtMs: old }),
        warmRunner('idle', { createdAtMs: old }),
      ],
    );
    expect(removes(p)).toHaveLength(1);
    const stale = planPools([], [warmRunner('idle', { createdAtMs: old })], { maxIdleAgeMs: 300_000 });
    expect(removes(stale)).toEqual([
      { kind: 'remove', runnerId: expect.any(String), reason: 'max-idle-age' },
    ]);
  });

  it('holds each pool to its max, and all pools to maxRunners, serving jobs before warm runners', () => {
    // Jobs of another repository: the warm pool is bound to octo/hello, so `small` serves them.
    const elsewhere = (createdAt: string) => ({
      ...job(['self-hosted'], createdAt),
      repository: 'octo/other',
    });
    const jobs = [elsewhere('2026-01-01T00:00:01Z'), elsewhere('2026-01-01T00:00:02Z')];
    const p = planPools([{ scope: other, jobs }], [], { maxRunners: 2 });
    expect(creates(p).map((a) => a.kind === 'create' && [a.pool, a.jobId])).toEqual([
      ['small', jobs[0]!.id],
      ['warm', null],
    ]);
    expect(p.deferredJobs).toBe(1);
    expect(p.waits.get(jobs[1]!.id)).toEqual({ reason: 'pool small at max 1', pool: 'small' });
  });
});
