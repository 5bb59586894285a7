import type { GitHubScope } from '@gha-ephemeral/github';
import { scopeKey, type ObservedRunner } from '../signals/demand.js';
import { planKey } from './pool-fit.js';
import type { ScaleSetPlan } from '../signals/scale-set-demand.js';

/** A creation a scale set wants: a runner for its pool, for no job in particular (GitHub assigns them). */
export interface ScaleSetWant {
  count: number;
  removals: { runnerId: string; reason: 'idle-timeout' | 'max-idle-age' }[];
}

/**
 * One scale-set pool: GitHub said how many runners it needs (`desired`, busy ones included), so start what the
 * live runners lack, and remove idle ones beyond it once past the idle timeout (a runner GitHub just gave a job may
 * still look idle for a moment), or past the warm age. A busy runner, or one GitHub said started a job, never is.
 * Runners whose job completed are on their way out and count for nothing.
 */
export function planScaleSet(
  runners: readonly ObservedRunner[],
  plan: ScaleSetPlan,
  input: {
    nowMs: number;
    idleTimeoutMs: number;
    maxIdleAgeMs?: number | undefined;
    removed: ReadonlySet<string>;
  },
): ScaleSetWant {
  const live = runners.filter(
    (r) => r.state !== 'exited' && !input.removed.has(r.id) && !plan.done.has(r.id),
  );
  const count = Math.max(0, plan.desired - live.length);
  const idle = live
    .filter((r) => r.state === 'idle' && !plan.busy.has(r.id))
    .sort((a, b) => a.createdAtMs - b.createdAtMs);
  let surplus = Math.max(0, live.length - plan.desired);
  const removals: ScaleSetWant['removals'] = [];
  for (const runner of idle) {
    const age = input.nowMs - runner.createdAtMs;
    if (surplus > 0 && age > input.idleTimeoutMs) {
      removals.push({ runnerId: runner.id, reason: 'idle-timeout' });
      surplus -= 1;
    } else if (input.maxIdleAgeMs !== undefined && age > input.maxIdleAgeMs) {
      removals.push({ runnerId: runner.id, reason: 'max-idle-age' });
    }
  }
  return { count, removals };
}

/** A pool as {@link planScaleSets} needs it. */
interface ScaleSetPoolLike {
  name: string;
  scope: GitHubScope | null;
  scaleSet?: boolean;
}

/**
 * Every scale-set pool: its key (its runners are GitHub's to count, even before its listener has heard), the
 * removals, and one want per runner it lacks. `removed` gains the removals.
 */
export function planScaleSets<P extends ScaleSetPoolLike>(
  pools: readonly P[],
  told: ReadonlyMap<string, ScaleSetPlan> | undefined,
  byKey: ReadonlyMap<string, readonly ObservedRunner[]>,
  input: { nowMs: number; idleTimeoutMs: number; maxIdleAgeMs?: number | undefined; removed: Set<string> },
): { keys: string[]; removals: ScaleSetWant['removals']; wants: { pool: P; scope: GitHubScope }[] } {
  const keys: string[] = [];
  const removals: ScaleSetWant['removals'] = [];
  const wants: { pool: P; scope: GitHubScope }[] = [];
  for (const pool of pools) {
    if (pool.scaleSet !== true || pool.scope === null) continue;
    const key = planKey(pool.name, scopeKey(pool.scope));
    keys.push(key);
    const plan = told?.get(pool.name);
    if (plan === undefined) continue;
    const want = planScaleSet(byKey.get(key) ?? [], plan, input);
    for (const removal of want.removals) {
      removals.push(removal);
      input.removed.add(removal.runnerId);
    }
    for (let i = 0; i < want.count; i += 1) wants.push({ pool, scope: pool.scope });
  }
  return { keys, removals, wants };
}
