import type { GitHubScope } from '@gha-ephemeral/github';
import { describe, expect, it } from 'vitest';
import { desiredByPool } from './desired-runners.js';
import type { Plan, PlanPool } from './plan.js';
import { observedOf, sampleRunner } from './testing/in-memory-fleet.js';

const scope: GitHubScope = { kind: 'repository', owner: 'octo', repo: 'hello' };
const pool = (name: string): PlanPool => ({
  name,
  labels: ['self-hosted'],
  max: 10,
  minIdle: 0,
  scope: null,
});
const runner = (id: string, pool: string, status: 'idle' | 'exited' = 'idle') =>
  observedOf(sampleRunner(id, scope, { pool, status }));

function planOf(actions: Plan['actions']): Plan {
  return { actions, deferredJobs: 0, unmatchedJobs: 0, scaleSetJobs: 0, waits: new Map() };
}

describe('desiredByPool', () => {
  it('counts live runners kept and runners started, per pool, and every pool even with none', () => {
    const plan = planOf([
      { kind: 'remove', runnerId: 'b', reason: 'idle-timeout' },
      { kind: 'create', pool: 'small', scope, jobId: 7, reason: 'queued job' },
    ]);
    const runners = [
      runner('a', 'small'),
      runner('b', 'small'),
      runner('c', 'small', 'exited'),
      runner('d', 'gone'),
    ];
    expect(desiredByPool(plan, runners, [pool('small'), pool('warm')])).toEqual(
      new Map([
        ['small', 2],
        ['warm', 0],
      ]),
    );
  });
});
