import { isAppError, type Runner } from '@gha-ephemeral/contract';
import { scopeFromTarget, scopeTarget, type GitHubPort, type GitHubScope } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import { isOwnRunnerName } from '../runners/naming.js';
import type { RunnerService } from '../runners/runner-service.js';
import { scopeKey, type ObservedRunner, type ScopeDemand } from './demand.js';
import { planRunners, type Plan, type PlanAction, type PlanLimits } from './plan.js';

/**
 * Runners started at once in one pass. Docker starts containers faster side by side than one by one (measured on a
 * 2-core host, 50 runners: 8 at a time 19 s, 16 about 16 s, 32 about 13 s, as fast as 50 plain `docker run -d`).
 */
const CREATE_CONCURRENCY = 32;

export interface ReconcilerDeps {
  runners: RunnerService;
  github: GitHubPort;
  logger: Logger;
  orchestratorId: string;
  /** The labels every runner of the pool has (GitHub's defaults and `RUNNER_LABELS`). */
  poolLabels: readonly string[];
  limits: PlanLimits;
  now?: () => number;
}

export interface PassOptions {
  signal?: AbortSignal | undefined;
  /** Also delete this orchestrator's registrations whose containers are gone. */
  purgeOrphans?: boolean;
  /** Only remove: for passes whose demand may be stale, where a creation could double a runner. */
  removalsOnly?: boolean;
  /** Only create: for passes nudged by a webhook, whose demand may be partial, where a removal could be wrong. */
  createsOnly?: boolean;
}

/** What one pass did, for logs and tests. */
export interface PassResult {
  plan: Plan;
  created: number;
  removed: number;
  orphansRemoved: number;
  failures: number;
}

function observed(runner: Runner): ObservedRunner {
  return {
    id: runner.id,
    scopeKey: scopeKey(scopeFromTarget(runner.scope, runner.target)),
    labels: runner.labels,
    state: runner.status,
    createdAtMs: Date.parse(runner.createdAt),
    jobId: runner.jobId,
  };
}

/**
 * Level-triggered reconciliation: observe (Docker's containers joined with GitHub's runners), plan (a pure
 * function), apply (start and remove runners through the runner service). One pass at a time: a pass asked for
 * while one runs waits for it and then runs on the newest demand, so signals can nudge as often as they like.
 */
export class Reconciler {
  readonly #deps: ReconcilerDeps;
  readonly #now: () => number;
  #running: Promise<unknown> = Promise.resolve();
  /** Registrations seen without a container in the previous purge (a cache: losing it only delays a removal). */
  #orphanCandidates = new Set<string>();
  /** The nudged pass that has not started yet, which later nudges join. */
  #waitingNudge: Promise<PassResult> | null = null;

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /**
   * Runs one pass for `demand` (the queued jobs of every scope that has any; scopes not listed have none). A
   * function is called when the pass starts, so a pass that waited for another works on the newest demand.
   */
  reconcile(
    demand: readonly ScopeDemand[] | (() => readonly ScopeDemand[]),
    options: PassOptions = {},
  ): Promise<PassResult> {
    const pass = this.#running.then(() =>
      this.#pass(typeof demand === 'function' ? demand() : demand, options),
    );
    this.#running = pass.catch(() => undefined);
    return pass;
  }

  /**
   * Asks for a creations-only pass on the newest demand (a webhook's signal). Nudges that come while such a pass
   * waits to start share it: a burst of fifty `queued` deliveries makes a pass or two, not fifty.
   */
  nudge(demand: () => readonly ScopeDemand[], signal?: AbortSignal): Promise<PassResult> {
    if (this.#waitingNudge !== null) return this.#waitingNudge;
    const pass = this.#running.then(() => {
      this.#waitingNudge = null;
      return this.#pass(demand(), { signal, createsOnly: true });
    });
    this.#waitingNudge = pass;
    this.#running = pass.catch(() => undefined);
    return pass;
  }

  async #pass(demand: readonly ScopeDemand[], options: PassOptions): Promise<PassResult> {
    const { signal } = options;
    const log = this.#deps.logger;
    const runners = await this.#deps.runners.list(signal);
    const plan = planRunners({
      demand,
      runners: runners.map(observed),
      poolLabels: this.#deps.poolLabels,
      limits: this.#deps.limits,
      nowMs: this.#now(),
    });
    const result: PassResult = { plan, created: 0, removed: 0, orphansRemoved: 0, failures: 0 };
    if (plan.deferredJobs > 0) {
      log.warn(
        { category: 'WARNING', deferredJobs: plan.deferredJobs, maxRunners: this.#deps.limits.maxRunners },
        'MAX_RUNNERS reached: some queued jobs wait for a free runner slot',
      );
    }
    // Removals first: they free the capacity the creations were planned with.
    const stopped = !options.createsOnly && (await this.#applyRemovals(plan, result, signal));
    if (!options.removalsOnly && !stopped) await this.#applyCreations(plan, demand, result, signal);
    if (options.purgeOrphans) {
      const scopes = new Map<string, GitHubScope>();
      for (const { scope } of demand) scopes.set(scopeKey(scope), scope);
      for (const runner of runners) {
        const scope = scopeFromTarget(runner.scope, runner.target);
        scopes.set(scopeKey(scope), scope);
      }
      // Listed again: runners created in this pass (or by the API meanwhile) must not look like orphans.
      const containers = new Set((await this.#deps.runners.containers(signal)).map((c) => c.name));
      result.orphansRemoved = await this.purgeOrphanRegistrations([...scopes.values()], containers, signal);
    }
    if (result.created + result.removed + result.orphansRemoved > 0) {
      log.info(
        {
          category: 'SUCCESS',
          created: result.created,
          removed: result.removed,
          orphansRemoved: result.orphansRemoved,
        },
        'reconciled runners',
      );
    }
    return result;
  }

  /** Logs a failed step; true when the rest of the pass would fail the same way (rate limited, GitHub down). */
  #failed(error: unknown, action: PlanAction['kind'], result: PassResult): boolean {
    result.failures += 1;
    if (isAppError(error) && error.code === 'runner.not_found') return false;
    this.#deps.logger.warn({ err: error, action }, 'reconcile step failed; the next pass will retry');
    return isAppError(error) && (error.code === 'github.rate_limited' || error.code === 'github.unavailable');
  }

  /** Removes the runners the plan says to; true when it stopped because GitHub is limited or down. */
  async #applyRemovals(plan: Plan, result: PassResult, signal?: AbortSignal): Promise<boolean> {
    for (const action of plan.actions) {
      if (signal?.aborted) return false;
      if (action.kind !== 'remove') continue;
      try {
        this.#deps.logger.info(
          { category: 'MONITOR', runner: action.runnerId, reason: action.reason },
          'removing inactive runner',
        );
        const reason = action.reason === 'start-timeout' ? 'start_timeout' : 'idle_timeout';
        await this.#deps.runners.remove(action.runnerId, signal, reason);
        result.removed += 1;
      } catch (error) {
        if (this.#failed(error, 'remove', result)) return true;
      }
    }
    return false;
  }

  /**
   * Starts the planned runners, a few at a time: a burst of queued jobs then costs about as long as Docker takes
   * to start that many containers side by side, not one after the other. GitHub writes stay paced by the client.
   */
  async #applyCreations(
    plan: Plan,
    demand: readonly ScopeDemand[],
    result: PassResult,
    signal?: AbortSignal,
  ): Promise<void> {
    const queuedAt = new Map(
      demand.flatMap(({ jobs }) => jobs.map((job) => [job.id, Date.parse(job.createdAt)])),
    );
    const creations = plan.actions.filter((action) => action.kind === 'create');
    let next = 0;
    let stop = false;
    const worker = async () => {
      while (!stop && !signal?.aborted && next < creations.length) {
        const action = creations[next++]!;
        const at = queuedAt.get(action.jobId);
        try {
          await this.#deps.runners.create(
            {
              scope: action.scope,
              labels: [],
              count: 1,
              jobId: action.jobId,
              jobQueuedAt: at === undefined || Number.isNaN(at) ? null : at,
            },
            signal,
          );
          result.created += 1;
        } catch (error) {
          if (this.#failed(error, 'create', result)) stop = true;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CREATE_CONCURRENCY, creations.length) }, worker));
  }

  /**
   * Deletes GitHub registrations this orchestrator made whose containers are gone (a crash between the two, a
   * container removed by hand). Only names carrying this orchestrator's tag, never a busy runner, and only a
   * registration seen without its container in two passes in a row: a runner being created right now has its
   * registration (just-in-time) a moment before its container.
   */
  async purgeOrphanRegistrations(
    scopes: GitHubScope[],
    containerNames: ReadonlySet<string>,
    signal?: AbortSignal,
  ): Promise<number> {
    let removed = 0;
    const candidates = new Set<string>();
    for (const scope of scopes) {
      if (signal?.aborted) break;
      try {
        this.#deps.runners.directory.invalidate(scope);
        const registrations = await this.#deps.runners.directory.list(scope, signal);
        for (const registration of registrations) {
          if (registration.busy || containerNames.has(registration.name)) continue;
          if (!isOwnRunnerName(registration.name, this.#deps.orchestratorId)) continue;
          candidates.add(registration.name);
          if (!this.#orphanCandidates.has(registration.name)) continue;
          const outcome = await this.#deps.github.deleteRunner(scope, registration.id, { signal });
          if (outcome === 'deleted') {
            removed += 1;
            this.#deps.logger.info(
              { category: 'MONITOR', runner: registration.name, target: scopeTarget(scope) },
              'removed a registration whose container is gone',
            );
          }
        }
      } catch (error) {
        this.#deps.logger.warn(
          { err: error, target: scopeTarget(scope) },
          'could not check registrations for orphans',
        );
      }
    }
    this.#orphanCandidates = candidates;
    return removed;
  }
}
