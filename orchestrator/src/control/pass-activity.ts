import { scopeTarget } from '@gha-ephemeral/github';
import type { ObservedRunner, QueuedJob, ScopeDemand } from '../signals/demand.js';
import { backoffKey, type CreationBackoff } from './creation-backoff.js';
import type { JobWait, Plan } from './plan.js';

/** Who is told what each pass made of the queued jobs: the dashboard's recent jobs. */
export interface PassActivity {
  /** Every queued job the pass saw, and why those without a runner on its way wait. */
  planned(
    jobs: readonly QueuedJob[],
    waits: ReadonlyMap<number, JobWait>,
    runners: readonly ObservedRunner[],
  ): void;
  /** A runner was started for a job. */
  runnerStarted(jobId: number, runner: string, pool: string): void;
}

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** Tells `activity` of the pass: the plan's reasons, and the creations a failing scope's wait held back. */
export function reportPlanned(
  activity: PassActivity | undefined,
  demand: readonly ScopeDemand[],
  plan: Plan,
  backoff: CreationBackoff,
  runners: readonly ObservedRunner[],
): void {
  if (activity === undefined) return;
  const waits = new Map(plan.waits);
  for (const action of plan.actions) {
    if (action.kind !== 'create' || action.jobId === null) continue;
    const retryAt = backoff.retryAt(backoffKey(action));
    if (retryAt !== null) {
      const target = scopeTarget(action.scope);
      const reason = `starting runners for ${target} failed; trying again at ${hhmm(retryAt)} UTC`;
      waits.set(action.jobId, { reason, pool: action.pool });
    }
  }
  activity.planned(
    demand.flatMap(({ jobs }) => jobs),
    waits,
    runners,
  );
}
