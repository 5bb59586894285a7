import type { GitHubScope } from '@gha-ephemeral/github';
import { scopeKey, type ObservedRunner, type QueuedJob, type ScopeDemand } from '../signals/demand.js';
import type { ScaleSetPlan } from '../signals/scale-set-demand.js';
import { fittingPool, planKey, type PlanPool } from './pool-fit.js';
import { planScaleSets } from './plan-scale-set.js';

/** The bounds the planner works within (from the configuration). */
export interface PlanLimits {
  /** `MAX_RUNNERS`: most live runner containers at once, over all pools. */
  maxRunners: number;
  /** A runner still not online after this long is removed (`RUNNER_START_TIMEOUT`). */
  startTimeoutMs: number;
  /** An idle runner older than this, with no job for it, is removed (`RUNNER_IDLE_TIMEOUT`). */
  idleTimeoutMs: number;
  /** A warm runner idle this long is replaced by a fresh one (`RUNNER_MAX_IDLE_AGE`); default never. */
  maxIdleAgeMs?: number;
}

/** One step for the reconciler. `jobId` null: a warm runner, for no job yet. */
export type PlanAction =
  | { kind: 'create'; scope: GitHubScope; pool: string; jobId: number | null; reason: string }
  | { kind: 'remove'; runnerId: string; reason: 'start-timeout' | 'idle-timeout' | 'max-idle-age' };

/** What the planner decided, and what it could not do. */
export interface Plan {
  actions: PlanAction[];
  /** Jobs that fit a pool but get no runner this pass because `MAX_RUNNERS` or their pool's `max` is reached. */
  deferredJobs: number;
  /** Jobs no pool fits: no runner is ever started for them. */
  unmatchedJobs: number;
  /** Jobs polls or webhooks saw that a scale set serves: GitHub assigns them to it, they are not counted here. */
  scaleSetJobs: number;
  /** By job id: why a queued job gets no runner this pass, in words for people (the dashboard). */
  waits: ReadonlyMap<number, JobWait>;
}

/** Why a queued job gets no runner, and the pool that would serve it (null: none fits). */
export interface JobWait {
  reason: string;
  pool: string | null;
}

export { fittingPool, labelsMatch, planKey, type PlanPool } from './pool-fit.js';

/** The queued jobs of one pool in one scope (its bound scope, or the job's). */
interface PoolDemand {
  key: string;
  pool: PlanPool;
  scope: GitHubScope;
  jobs: QueuedJob[];
}

/** Each job to the pool that fits it; warm pools get an entry even without jobs. */
function assignJobs(demand: readonly ScopeDemand[], pools: readonly PlanPool[]) {
  const byKey = new Map<string, PoolDemand>();
  const entry = (pool: PlanPool, scope: GitHubScope): PoolDemand => {
    const key = planKey(pool.name, scopeKey(scope));
    let found = byKey.get(key);
    if (found === undefined) byKey.set(key, (found = { key, pool, scope, jobs: [] }));
    return found;
  };
  let unmatched = 0;
  let scaleSetJobs = 0;
  const waits = new Map<number, JobWait>();
  const scaleSets = pools.filter((pool) => pool.scaleSet === true);
  for (const { scope, jobs } of demand) {
    for (const job of jobs) {
      // GitHub gives a job a scale set fits to that scale set, whichever pool comes first.
      if (fittingPool(scaleSets, job) !== null) {
        scaleSetJobs += 1;
        continue;
      }
      const pool = fittingPool(pools, job);
      if (pool === null) {
        unmatched += 1;
        waits.set(job.id, { reason: `no pool fits labels [${job.labels.join(', ')}]`, pool: null });
      } else entry(pool, pool.scope ?? scope).jobs.push(job);
    }
  }
  for (const pool of pools) {
    if (pool.minIdle > 0 && pool.scope !== null && pool.scaleSet !== true) entry(pool, pool.scope);
  }
  return { entries: [...byKey.values()], unmatched, scaleSetJobs, waits };
}

const isLive = (runner: ObservedRunner) => runner.state !== 'exited';
const byAge = (a: { createdAt: string }, b: { createdAt: string }) => a.createdAt.localeCompare(b.createdAt);

/** A creation the planner wants, before the caps. */
interface Want {
  scope: GitHubScope;
  pool: PlanPool;
  jobId: number | null;
  createdAt: string;
}

/**
 * One pool in one scope: the jobs no available runner covers, the warm runners missing, and the idle runners
 * beyond what the jobs and the warm minimum need (removed once past the idle timeout, or past the warm age).
 */
function planEntry(
  entry: PoolDemand,
  runners: readonly ObservedRunner[],
  input: { limits: PlanLimits; nowMs: number; taken: number },
  removed: Set<string>,
): { wants: Want[]; removals: PlanAction[] } {
  const { limits, nowMs } = input;
  // A busy runner started for a job that still looks queued has most likely taken it (see the reconciler).
  const taken = new Set(runners.filter((r) => r.state === 'busy').map((r) => r.jobId));
  const matching = entry.jobs
    .filter((job) => !taken.has(job.id))
    .sort(byAge)
    .slice(input.taken);
  const available = runners.filter((r) => r.state !== 'busy' && !removed.has(r.id));
  // Jobs a runner was started for are covered first; the rest by any available runner.
  const covered = new Set(available.map((r) => r.jobId).filter((id): id is number => id !== null));
  const uncovered = [...matching]
    .sort((a, b) => Number(covered.has(b.id)) - Number(covered.has(a.id)) || byAge(a, b))
    .slice(available.length);
  const wants: Want[] = uncovered.map((job) => ({
    scope: entry.scope,
    pool: entry.pool,
    jobId: job.id,
    createdAt: job.createdAt,
  }));
  const spare = Math.max(0, available.length - matching.length);
  for (let i = spare; i < entry.pool.minIdle; i++) {
    // After every queued job, so a warm runner never takes a job's place.
    wants.push({ scope: entry.scope, pool: entry.pool, jobId: null, createdAt: '\uffff' });
  }
  const removals: PlanAction[] = [];
  const idle = available.filter((r) => r.state === 'idle').sort((a, b) => a.createdAtMs - b.createdAtMs);
  let surplus = Math.max(0, available.length - matching.length - entry.pool.minIdle);
  for (const runner of idle) {
    const age = nowMs - runner.createdAtMs;
    if (surplus > 0 && age > limits.idleTimeoutMs) {
      removals.push({ kind: 'remove', runnerId: runner.id, reason: 'idle-timeout' });
      surplus -= 1;
    } else if (limits.maxIdleAgeMs !== undefined && age > limits.maxIdleAgeMs) {
      // Stale: GitHub drops runners offline a day; a fresh one replaces it on a later pass.
      removals.push({ kind: 'remove', runnerId: runner.id, reason: 'max-idle-age' });
    }
  }
  for (const removal of removals) if (removal.kind === 'remove') removed.add(removal.runnerId);
  return { wants, removals };
}

/**
 * The pure heart of automatic mode: from the queued jobs (desired), the pools and the runners that exist (actual),
 * the runners to start and to remove. Each job goes to the first pool that fits it; within a pool and scope any
 * idle or starting runner may take any of its jobs, as GitHub itself decides.
 *
 * Per pool and scope: runners to start = queued jobs − runners idle or starting there (never two runners for one
 * job), plus what the warm minimum lacks; oldest jobs first, within the pool's `max` and `maxRunners` over all.
 * Runners not online after `startTimeoutMs` are removed; idle ones beyond the jobs and the warm minimum once past
 * `idleTimeoutMs`; a busy runner never is.
 */
export function planRunners(input: {
  demand: readonly ScopeDemand[];
  runners: readonly ObservedRunner[];
  pools: readonly PlanPool[];
  limits: PlanLimits;
  nowMs: number;
  /**
   * By {@link planKey}: how many of the demand's jobs are known to have been taken already, though not which
   * ones (runners went busy, or came and went, and the jobs' `in_progress` has not arrived yet). That many of the
   * oldest are taken as served: GitHub hands out queued jobs oldest first.
   */
  takenUnreported?: ReadonlyMap<string, number>;
  /** By pool: what GitHub said each scale-set pool needs (absent until its listener has heard). */
  scaleSets?: ReadonlyMap<string, ScaleSetPlan>;
}): Plan {
  const { limits, nowMs } = input;
  const live = input.runners.filter(isLive);
  const removed = new Set<string>();
  const actions: PlanAction[] = stuckRunners(live, input, removed);
  const { entries, unmatched, scaleSetJobs, waits } = assignJobs(input.demand, input.pools);
  const byKey = new Map<string, ObservedRunner[]>();
  for (const runner of live) {
    const key = planKey(runner.pool, runner.scopeKey);
    byKey.set(key, [...(byKey.get(key) ?? []), runner]);
  }
  const wants: Want[] = [];
  for (const entry of entries) {
    const taken = input.takenUnreported?.get(entry.key) ?? 0;
    const planned = planEntry(entry, byKey.get(entry.key) ?? [], { limits, nowMs, taken }, removed);
    wants.push(...planned.wants);
    actions.push(...planned.removals);
  }
  const planned = new Set(entries.map((entry) => entry.key));
  const scaleSets = planScaleSets(input.pools, input.scaleSets, byKey, { ...limits, nowMs, removed });
  for (const key of scaleSets.keys) planned.add(key);
  for (const removal of scaleSets.removals) actions.push({ kind: 'remove', ...removal });
  for (const { pool, scope } of scaleSets.wants) {
    // First when slots are short: GitHub assigned these jobs already, and takes them back if no runner comes.
    wants.push({ scope, pool, jobId: null, createdAt: '' });
  }
  actions.push(...idleWithoutDemand(byKey, planned, removed, limits, nowMs));
  const capped = withinCaps(
    wants,
    live.filter((r) => !removed.has(r.id)),
    limits.maxRunners,
  );
  actions.push(...capped.creates);
  for (const [jobId, reason] of capped.waits) waits.set(jobId, reason);
  return { actions, deferredJobs: capped.deferred, unmatchedJobs: unmatched, scaleSetJobs, waits };
}

/**
 * Runners not online after the start timeout. Offline counts too: registered (a just-in-time runner is, at once)
 * but not connected. Not when GitHub could not be asked (its state is unknown, not "never online"), nor when a
 * scale set said it is busy.
 */
function stuckRunners(
  live: readonly ObservedRunner[],
  input: { limits: PlanLimits; nowMs: number; scaleSets?: ReadonlyMap<string, ScaleSetPlan> | undefined },
  removed: Set<string>,
): PlanAction[] {
  const actions: PlanAction[] = [];
  for (const runner of live) {
    const waiting = runner.state === 'starting' || runner.state === 'offline';
    const known = runner.verified && input.scaleSets?.get(runner.pool)?.busy.has(runner.id) !== true;
    if (waiting && known && input.nowMs - runner.createdAtMs > input.limits.startTimeoutMs) {
      actions.push({ kind: 'remove', runnerId: runner.id, reason: 'start-timeout' });
      removed.add(runner.id);
    }
  }
  return actions;
}

/** Idle runners of keys with no demand at all: past the idle timeout they go. */
function idleWithoutDemand(
  byKey: ReadonlyMap<string, readonly ObservedRunner[]>,
  planned: ReadonlySet<string>,
  removed: Set<string>,
  limits: PlanLimits,
  nowMs: number,
): PlanAction[] {
  const actions: PlanAction[] = [];
  for (const [key, runners] of byKey) {
    if (planned.has(key)) continue;
    for (const runner of runners) {
      if (
        runner.state === 'idle' &&
        !removed.has(runner.id) &&
        nowMs - runner.createdAtMs > limits.idleTimeoutMs
      ) {
        actions.push({ kind: 'remove', runnerId: runner.id, reason: 'idle-timeout' });
        removed.add(runner.id);
      }
    }
  }
  return actions;
}

/** The creations that fit: oldest first, within each pool's `max` and `maxRunners` over all; the rest deferred. */
function withinCaps(
  wants: Want[],
  kept: readonly ObservedRunner[],
  maxRunners: number,
): { creates: PlanAction[]; deferred: number; waits: Map<number, JobWait> } {
  let free = Math.max(0, maxRunners - kept.length);
  const perPool = new Map<string, number>();
  for (const runner of kept) perPool.set(runner.pool, (perPool.get(runner.pool) ?? 0) + 1);
  const creates: PlanAction[] = [];
  let deferred = 0;
  const waits = new Map<number, JobWait>();
  for (const want of wants.sort(byAge)) {
    const count = perPool.get(want.pool.name) ?? 0;
    if (free === 0 || count >= want.pool.max) {
      if (want.jobId !== null) {
        const { name, max } = want.pool;
        const reason = count >= max ? `pool ${name} at max ${max}` : `MAX_RUNNERS (${maxRunners}) reached`;
        waits.set(want.jobId, { reason, pool: name });
      }
      // A scale set's runner stands for a job GitHub assigned: it waits as much as a queued one.
      if (want.jobId !== null || want.pool.scaleSet === true) deferred += 1;
      continue;
    }
    free -= 1;
    perPool.set(want.pool.name, count + 1);
    const reason = want.jobId !== null ? 'queued job' : want.pool.scaleSet ? 'scale set' : 'warm runner';
    creates.push({ kind: 'create', scope: want.scope, pool: want.pool.name, jobId: want.jobId, reason });
  }
  return { creates, deferred, waits };
}
