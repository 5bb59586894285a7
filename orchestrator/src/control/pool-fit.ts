import type { GitHubScope } from '@gha-ephemeral/github';
import type { QueuedJob } from '../signals/demand.js';

/** A pool as the planner needs it. */
export interface PlanPool {
  name: string;
  /** Every label its runners have (GitHub's defaults included): a job fits when it has all of the job's. */
  labels: readonly string[];
  /** Most runners of this pool at once. */
  max: number;
  /** Idle runners kept ready; only for a pool with a `scope`. */
  minIdle: number;
  /** The one scope it serves and registers runners in; null: any, runners where the job is. */
  scope: GitHubScope | null;
  /** A runner scale set: GitHub assigns its jobs and says how many runners it needs (see `plan-scale-set.ts`). */
  scaleSet?: boolean;
}

/** True when a runner with `runnerLabels` may take a job with `jobLabels`: it has all of them, compared case-insensitively. */
export function labelsMatch(jobLabels: readonly string[], runnerLabels: readonly string[]): boolean {
  const have = new Set(runnerLabels.map((label) => label.toLowerCase()));
  return jobLabels.every((label) => have.has(label.toLowerCase()));
}

/** The first pool, in order, that fits the job: its labels, and its scope if bound (the repository or its owner). */
export function fittingPool(
  pools: readonly PlanPool[],
  job: Pick<QueuedJob, 'labels' | 'repository'>,
): PlanPool | null {
  const [owner = '', name = ''] = job.repository.toLowerCase().split('/');
  return (
    pools.find((pool) => {
      const scope = pool.scope;
      const admits =
        scope === null ||
        (scope.kind === 'organization'
          ? scope.org.toLowerCase() === owner
          : scope.owner.toLowerCase() === owner && scope.repo.toLowerCase() === name);
      return admits && labelsMatch(job.labels, pool.labels);
    }) ?? null
  );
}

/** The key the planner counts by: a pool in a scope. */
export function planKey(pool: string, scopeKeyText: string): string {
  return `${pool}|${scopeKeyText}`;
}
