import type { GitHubPort, GitHubScope } from '@gha-ephemeral/github';
import { createLogger } from '@gha-ephemeral/logging';
import { describe, expect, it } from 'vitest';
import type { QueuedJob } from '../signals/demand.js';
import type { PlanPool } from './plan.js';
import { Reconciler } from './reconciler.js';
import { RunnerGate } from './runner-gate.js';
import { InMemoryFleet } from './testing/in-memory-fleet.js';

// The control loop against an in-memory fleet: what it starts and removes, pass after pass, with nothing but the
// planner and the reconciler's own books in the way.
const repo: GitHubScope = { kind: 'repository', owner: 'octo', repo: 'hello' };
const DEFAULTS = ['self-hosted', 'Linux', 'X64'];
const logger = createLogger({ service: 'test', level: 'ERROR' }).logger;

function reconcilerOver(fleet: InMemoryFleet, pools: PlanPool[], maxRunners = 10) {
  return new Reconciler({
    runners: fleet,
    github: {} as GitHubPort,
    logger,
    orchestratorId: 'test',
    pools,
    gate: new RunnerGate({ maxRunners, poolMax: new Map(pools.map((p) => [p.name, p.max])) }, Date.now),
    limits: { startTimeoutMs: 180_000, idleTimeoutMs: 300_000 },
  });
}

let nextJob = 1;
const job = (labels = ['self-hosted']): QueuedJob => {
  const id = nextJob++;
  return { id, runId: id, repository: 'octo/hello', labels, createdAt: `2026-01-01T00:00:0${id % 10}Z` };
};

describe('the reconciler over an in-memory fleet', () => {
  const small: PlanPool = { name: 'default', labels: DEFAULTS, max: 10, minIdle: 0, scope: null };

  it('starts one runner per queued job, and none again on the next pass while they start', async () => {
    const fleet = new InMemoryFleet();
    const reconciler = reconcilerOver(fleet, [small]);
    const jobs = [job(), job()];
    await reconciler.reconcile([{ scope: repo, jobs }]);
    await reconciler.reconcile([{ scope: repo, jobs }]);
    expect(fleet.created.map((c) => c.jobId)).toEqual(jobs.map((j) => j.id));
  });

  it('keeps a warm pool at minIdle, and refills it when a runner goes busy', async () => {
    const fleet = new InMemoryFleet();
    const warm: PlanPool = { name: 'warm', labels: [...DEFAULTS, 'warm'], max: 5, minIdle: 2, scope: repo };
    const reconciler = reconcilerOver(fleet, [warm, small]);
    await reconciler.reconcile([]);
    expect(fleet.live('warm')).toHaveLength(2);
    for (const runner of fleet.live('warm')) fleet.setStatus(runner.id, 'idle');
    fleet.setStatus(fleet.live('warm')[0]!.id, 'busy');
    await reconciler.reconcile([]);
    expect(fleet.live('warm').filter((r) => r.status !== 'busy')).toHaveLength(2);
    expect(fleet.created.every((c) => c.pool === 'warm' && c.jobId === null && c.scope === repo)).toBe(true);
  });

  it('holds every pool to MAX_RUNNERS, and serves the waiting job once a runner is gone', async () => {
    const fleet = new InMemoryFleet();
    const reconciler = reconcilerOver(fleet, [small], 1);
    const [first, second] = [job(), job()];
    const pass = await reconciler.reconcile([{ scope: repo, jobs: [first, second] }]);
    expect(pass.plan.deferredJobs).toBe(1);
    expect(fleet.created.map((c) => c.jobId)).toEqual([first.id]);
    fleet.setStatus(fleet.live()[0]!.id, 'exited');
    await reconciler.reconcile([{ scope: repo, jobs: [second] }]);
    expect(fleet.created.map((c) => c.jobId)).toEqual([first.id, second.id]);
  });

  it('starts nothing for a job no pool fits', async () => {
    const fleet = new InMemoryFleet();
    const pass = await reconcilerOver(fleet, [small]).reconcile([
      { scope: repo, jobs: [job(['self-hosted', 'gpu'])] },
    ]);
    expect(pass.plan.unmatchedJobs).toBe(1);
    expect(fleet.created).toEqual([]);
  });
});
