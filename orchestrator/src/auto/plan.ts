import type { GitHubScope } from '@gha-ephemeral/github';
import { scopeKey, type ObservedRunner, type ScopeDemand } from './demand.js';

/** The bounds the planner works within (from the configuration). */
export interface PlanLimits {
  /** `MAX_RUNNERS`: most live runner containers at once. */
  maxRunners: number;
  /** A runner still not online after this long is removed (`RUNNER_START_TIMEOUT`). */
  startTimeoutMs: number;
  /** An idle runner older than this, with no job for it, is removed (`RUNNER_IDLE_TIMEOUT`). */
  idleTimeoutMs: number;
}

/** One step for the reconciler. */
export type PlanAction =
  | { kind: 'create'; scope: GitHubScope; jobId: number; reason: string }
  | { kind: 'remove'; runnerId: string; reason: 'start-timeout' | 'idle-timeout' };

/** What the planner decided, and what it could not do. */
export interface Plan {
  actions: PlanAction[];
  /** Jobs that match the pool but get no runner this pass because MAX_RUNNERS is reached. */
  deferredJobs: number;
  /** Jobs whose labels the pool does not have: no runner is ever started for them. */
  unmatchedJobs: number;
}

/** True when a runner with `runnerLabels` may take a job with `jobLabels`: it has all of them, compared case-insensitively. */
export function labelsMatch(jobLabels: readonly string[], runnerLabels: readonly string[]): boolean {
  const have = new Set(runnerLabels.map((label) => label.toLowerCase()));
  return jobLabels.every((label) => have.has(label.toLowerCase()));
}

function isLive(runner: ObservedRunner): boolean {
  return runner.state !== 'exited';
}

/**
 * The pure heart of automatic mode: from the queued jobs (desired) and the runners that exist (actual), the
 * runners to start and to remove. Every runner of the pool has the same labels (`poolLabels`), so any idle or
 * starting runner of a scope may take any of its matching jobs, as GitHub itself decides.
 *
 * Per scope: runners to start = matching queued jobs − runners idle or starting there (never two runners for one
 * job, and never a new one each pass for a job whose runner is still starting), oldest jobs first, within
 * `maxRunners` across all scopes. Runners idle past `idleTimeoutMs` when no job waits for them, or not online
 * after `startTimeoutMs`, are removed; a busy runner never is.
 */
export function planRunners(input: {
  demand: readonly ScopeDemand[];
  runners: readonly ObservedRunner[];
  poolLabels: readonly string[];
  limits: PlanLimits;
  nowMs: number;
  /**
   * By scope key: how many of the demand's jobs are known to have been taken already, though not which ones
   * (runners went busy, or came and went, and the jobs' `in_progress` has not arrived yet). That many of the
   * oldest are taken as served: GitHub hands out queued jobs oldest first.
   */
  takenUnreported?: ReadonlyMap<string, number>;
}): Plan {
  const { limits, nowMs } = input;
  const actions: PlanAction[] = [];
  const removed = new Set<string>();
  let unmatchedJobs = 0;

  const byScope = new Map<string, ObservedRunner[]>();
  for (const runner of input.runners.filter(isLive)) {
    byScope.set(runner.scopeKey, [...(byScope.get(runner.scopeKey) ?? []), runner]);
  }

  const wanted: { scope: GitHubScope; jobId: number; createdAt: string }[] = [];
  const demandByScope = new Map<string, number>();
  for (const { scope, jobs } of input.demand) {
    const key = scopeKey(scope);
    const scopeRunners = byScope.get(key) ?? [];
    // A busy runner started for a job that still looks queued has most likely taken it: the demand was read a
    // moment before the runners (a poll, or a webhook book whose in_progress is on its way). Counting the job as
    // served avoids a second runner for it; if the runner took another job, the next pass sees this one again.
    const taken = new Set(scopeRunners.filter((r) => r.state === 'busy').map((r) => r.jobId));
    const pool = jobs.filter((job) => labelsMatch(job.labels, input.poolLabels));
    unmatchedJobs += jobs.length - pool.length;
    const matching = pool
      .filter((job) => !taken.has(job.id))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .slice(input.takenUnreported?.get(key) ?? 0);
    demandByScope.set(key, matching.length);
    const available = scopeRunners.filter((r) => r.state !== 'busy');
    // Jobs a runner was started for are covered first; the rest by any available runner.
    const coveredIds = new Set(available.map((r) => r.jobId).filter((id): id is number => id !== null));
    const uncovered = [...matching]
      .sort(
        (a, b) =>
          Number(coveredIds.has(b.id)) - Number(coveredIds.has(a.id)) ||
          a.createdAt.localeCompare(b.createdAt),
      )
      .slice(available.length);
    for (const job of uncovered) wanted.push({ scope, jobId: job.id, createdAt: job.createdAt });
  }

  for (const runner of input.runners.filter(isLive)) {
    const age = nowMs - runner.createdAtMs;
    // Offline: registered (a just-in-time runner is, at once) but not connected; the same bound applies.
    if ((runner.state === 'starting' || runner.state === 'offline') && age > limits.startTimeoutMs) {
      actions.push({ kind: 'remove', runnerId: runner.id, reason: 'start-timeout' });
      removed.add(runner.id);
    }
  }
  for (const [key, runners] of byScope) {
    // Idle runners beyond what the scope's queued jobs need, oldest first, once past the idle timeout.
    const idle = runners
      .filter((r) => r.state === 'idle' && !removed.has(r.id))
      .sort((a, b) => a.createdAtMs - b.createdAtMs);
    const starting = runners.filter(
      (r) => (r.state === 'starting' || r.state === 'offline') && !removed.has(r.id),
    ).length;
    let surplus = Math.max(0, idle.length + starting - (demandByScope.get(key) ?? 0));
    for (const runner of idle) {
      if (surplus === 0) break;
      if (nowMs - runner.createdAtMs > limits.idleTimeoutMs) {
        actions.push({ kind: 'remove', runnerId: runner.id, reason: 'idle-timeout' });
        removed.add(runner.id);
        surplus -= 1;
      }
    }
  }

  const live = input.runners.filter((r) => isLive(r) && !removed.has(r.id)).length;
  const free = Math.max(0, limits.maxRunners - live);
  wanted.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const want of wanted.slice(0, free)) {
    actions.push({ kind: 'create', scope: want.scope, jobId: want.jobId, reason: 'queued job' });
  }
  return { actions, deferredJobs: Math.max(0, wanted.length - free), unmatchedJobs };
}
