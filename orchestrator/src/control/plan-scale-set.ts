import type { ObservedRunner } from '../signals/demand.js';
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
