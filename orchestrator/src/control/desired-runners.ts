import type { ObservedRunner } from '../signals/demand.js';
import type { Plan, PlanPool } from './plan.js';

/**
 * The runners each pool should have after a plan (for the metrics): its live runners, less those the plan removes,
 * plus those it starts.
 */
export function desiredByPool(
  plan: Plan,
  runners: readonly ObservedRunner[],
  pools: readonly PlanPool[],
): Map<string, number> {
  const removed = new Set(plan.actions.flatMap((a) => (a.kind === 'remove' ? [a.runnerId] : [])));
  const desired = new Map(pools.map((pool) => [pool.name, 0]));
  for (const runner of runners) {
    if (runner.state !== 'exited' && !removed.has(runner.id) && desired.has(runner.pool)) {
      desired.set(runner.pool, (desired.get(runner.pool) ?? 0) + 1);
    }
  }
  for (const action of plan.actions) {
    if (action.kind === 'create') desired.set(action.pool, (desired.get(action.pool) ?? 0) + 1);
  }
  return desired;
}
