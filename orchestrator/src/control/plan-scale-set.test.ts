import type { GitHubScope } from '@gha-ephemeral/github';
import { describe, expect, it } from 'vitest';
import { scopeKey, type ObservedRunner, type QueuedJob, type ScopeDemand } from '../signals/demand.js';
import type { ScaleSetPlan } from '../signals/scale-set-demand.js';
import { planRunners, type PlanLimits, type PlanPool } from './plan.js';
import { planScaleSet } from './plan-scale-set.js';

const NOW = 1_000_000_000;
const IDLE_TIMEOUT = 300_000;
const YOUNG = NOW - 1_000;
const OLD = NOW - 400_000;
const repo: GitHubScope = { kind: 'repository', owner: 'octo', repo: 'hello' };

function runner(
  id: string,
  state: ObservedRunner['state'],
  over: Partial<ObservedRunner> = {},
): ObservedRunner {
  return {
    id,
    scope: repo,
    scopeKey: scopeKey(repo),
    verified: true,
    labels: ['set', 'linux'],
    state,
    createdAtMs: YOUNG,
    jobId: null,
    pool: 'set',
    ...over,
  };
}
const told = (desired: number, busy: string[] = [], done: string[] = []): ScaleSetPlan => ({
  desired,
  busy: new Set(busy),
  done: new Set(done),
});

describe('planScaleSet', () => {
  const input = (over: { maxIdleAgeMs?: number; removed?: string[] } = {}) => ({
    nowMs: NOW,
    idleTimeoutMs: IDLE_TIMEOUT,
    maxIdleAgeMs: over.maxIdleAgeMs,
    removed: new Set(over.removed ?? []),
  });

  it.each<
    [string, ObservedRunner[], ScaleSetPlan, { maxIdleAgeMs?: number; removed?: string[] }, number, string[]]
  >([
    ['nothing yet: starts what GitHub wants', [], told(3), {}, 3, []],
    [
      'starting, idle and busy runners all count',
      [runner('a', 'starting'), runner('b', 'idle'), runner('c', 'busy')],
      told(3),
      {},
      0,
      [],
    ],
    ['an offline (registered, not connected) runner counts', [runner('a', 'offline')], told(2), {}, 1, []],
    ['exited runners count for nothing', [runner('a', 'exited'), runner('b', 'exited')], told(2), {}, 2, []],
    [
      'runners whose job completed count for nothing, and are left to leave',
      [runner('a', 'idle', { createdAtMs: OLD }), runner('b', 'busy')],
      told(2, [], ['a', 'b']),
      {},
      2,
      [],
    ],
    ['runners being removed count for nothing', [runner('a', 'idle')], told(1), { removed: ['a'] }, 1, []],
    [
      'a young idle surplus is kept (GitHub may have just given it a job)',
      [runner('a', 'idle')],
      told(0),
      {},
      0,
      [],
    ],
    [
      'an idle surplus past the idle timeout goes, oldest first, only the surplus',
      [
        runner('new', 'idle', { createdAtMs: OLD + 10 }),
        runner('oldest', 'idle', { createdAtMs: OLD - 10 }),
        runner('older', 'idle', { createdAtMs: OLD }),
      ],
      told(1),
      {},
      0,
      ['oldest:idle-timeout', 'older:idle-timeout'],
    ],
    [
      'a busy runner is never removed, however old, by state or by GitHub’s word',
      [runner('a', 'busy', { createdAtMs: OLD }), runner('b', 'idle', { createdAtMs: OLD })],
      told(0, ['b']),
      { maxIdleAgeMs: 1_000 },
      0,
      [],
    ],
    [
      'an old starting runner is left to the start timeout',
      [runner('a', 'starting', { createdAtMs: OLD })],
      told(0),
      {},
      0,
      [],
    ],
    [
      'warm runners past the max idle age are replaced, even within the desired count',
      [runner('a', 'idle', { createdAtMs: OLD }), runner('b', 'idle')],
      told(2),
      { maxIdleAgeMs: 100_000 },
      0,
      ['a:max-idle-age'],
    ],
    [
      'a surplus past both timeouts goes for the idle timeout',
      [runner('a', 'idle', { createdAtMs: OLD })],
      told(0),
      { maxIdleAgeMs: 100_000 },
      0,
      ['a:idle-timeout'],
    ],
  ])('%s', (_name, runners, plan, over, count, removals) => {
    const want = planScaleSet(runners, plan, input(over));
    expect(want.count).toBe(count);
    expect(want.removals.map((r) => `${r.runnerId}:${r.reason}`)).toEqual(removals);
  });
});

describe('planRunners with scale-set pools', () => {
  const limits: PlanLimits = { maxRunners: 10, startTimeoutMs: 180_000, idleTimeoutMs: IDLE_TIMEOUT };
  const SET: PlanPool = {
    name: 'set',
    labels: ['set', 'linux'],
    max: 5,
    minIdle: 0,
    scope: repo,
    scaleSet: true,
  };
  const ORDINARY: PlanPool = {
    name: 'default',
    labels: ['self-hosted', 'Linux', 'X64'],
    max: 10,
    minIdle: 0,
    scope: null,
  };
  let nextJob = 1;
  const job = (labels: string[], repository = 'octo/hello'): QueuedJob => {
    const id = nextJob++;
    return { id, runId: id, repository, labels, createdAt: '2026-01-01T00:00:00Z' };
  };
  const plan = (
    input: {
      demand?: ScopeDemand[];
      runners?: ObservedRunner[];
      pools?: PlanPool[];
      scaleSets?: Record<string, ScaleSetPlan>;
    },
    over: Partial<PlanLimits> = {},
  ) =>
    planRunners({
      demand: input.demand ?? [],
      runners: input.runners ?? [],
      pools: input.pools ?? [ORDINARY, SET],
      limits: { ...limits, ...over },
      nowMs: NOW,
      ...(input.scaleSets ? { scaleSets: new Map(Object.entries(input.scaleSets)) } : {}),
    });
  const summary = (p: ReturnType<typeof plan>) =>
    p.actions.map((a) =>
      a.kind === 'create' ? `create ${a.pool} ${a.jobId} ${a.reason}` : `remove ${a.runnerId} ${a.reason}`,
    );

  it('starts the runners GitHub wants in the pool’s scope, for no job', () => {
    const p = plan({ scaleSets: { set: told(2) } });
    expect(summary(p)).toEqual(['create set null scale set', 'create set null scale set']);
    expect(p.actions[0]).toMatchObject({ scope: repo });
  });

  it('plans nothing for a pool whose listener has not heard: no creation, no removal', () => {
    const runners = [runner('a', 'idle', { createdAtMs: OLD }), runner('b', 'idle', { createdAtMs: OLD })];
    expect(plan({ runners }).actions).toEqual([]);
    expect(plan({ runners, scaleSets: {} }).actions).toEqual([]);
    expect(summary(plan({ runners, scaleSets: { set: told(1) } }))).toEqual(['remove a idle-timeout']);
  });

  it('still removes a scale-set runner that never came online, heard or not', () => {
    const runners = [runner('stuck', 'starting', { createdAtMs: OLD })];
    expect(summary(plan({ runners }))).toEqual(['remove stuck start-timeout']);
    expect(summary(plan({ runners, scaleSets: { set: told(1) } }))).toEqual([
      'remove stuck start-timeout',
      'create set null scale set',
    ]);
  });

  it('counts jobs a scale set fits and starts no runner for them, even when an earlier pool fits too', () => {
    // `linux` is among the ordinary pool's labels (case-insensitively) and the scale set's.
    const fitsBoth = job(['linux']);
    const ordinaryOnly = job(['self-hosted']);
    const otherRepo = job(['linux'], 'octo/other');
    const p = plan({ demand: [{ scope: repo, jobs: [fitsBoth, ordinaryOnly, otherRepo] }] });
    expect(p).toMatchObject({ scaleSetJobs: 1, unmatchedJobs: 0, deferredJobs: 0 });
    expect(summary(p)).toEqual([
      `create default ${ordinaryOnly.id} queued job`,
      `create default ${otherRepo.id} queued job`,
    ]);
    const heard = plan({
      demand: [{ scope: repo, jobs: [job(['set']), job(['SET', 'Linux'])] }],
      scaleSets: { set: told(0) },
    });
    expect(heard).toMatchObject({ scaleSetJobs: 2, actions: [] });
  });

  it('does not count busy or done runners of a scale set as covering anything else', () => {
    const runners = [runner('a', 'busy'), runner('b', 'idle'), runner('c', 'idle')];
    const p = plan({ runners, scaleSets: { set: told(3, ['b'], ['c']) } });
    expect(summary(p)).toEqual(['create set null scale set']);
  });

  it.each([
    // Two runners live already: one of the ordinary pool, one of the scale set.
    ['MAX_RUNNERS', { maxRunners: 4 }, 5, 2],
    ['the pool’s max', {}, 2, 1],
    ['both, the smaller room wins', { maxRunners: 3 }, 4, 1],
  ])('caps scale-set creations by %s', (_name, over, poolMax, creates) => {
    const runners = [runner('ordinary', 'busy', { pool: 'default' }), runner('own', 'busy')];
    const pools = [ORDINARY, { ...SET, max: poolMax }];
    const p = plan({ runners, pools, scaleSets: { set: told(6) } }, over);
    expect(p.actions.filter((a) => a.kind === 'create')).toHaveLength(creates);
    // Each runner short stands for an assigned job that waits: said, so the operator sees it.
    expect(p.deferredJobs).toBe(5 - creates); // desired 6, one live
  });

  it('shares MAX_RUNNERS between ordinary jobs and scale-set runners', () => {
    const queued = [job(['self-hosted']), job(['self-hosted'])];
    const p = plan(
      { demand: [{ scope: repo, jobs: queued }], scaleSets: { set: told(3) } },
      { maxRunners: 3 },
    );
    const creates = p.actions.filter((a) => a.kind === 'create');
    expect(creates).toHaveLength(3);
    // Every queued job either got a runner or is reported deferred.
    expect(creates.filter((a) => a.pool === 'default').length + p.deferredJobs).toBe(queued.length);
  });
});
