import { reportPlanned, type PassActivity } from './pass-activity.js';
import type { Runner } from '@gha-ephemeral/contract';
import type { GitHubPort, GitHubScope } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import type { RemovalReason } from '../metrics/runner-observer.js';
import type { CreateRunnersCommand } from '../fleet/runner-service.js';
import { backoffKey, CreationBackoff } from './creation-backoff.js';
import { PlanActions } from './plan-actions.js';
import { scopeKey, type ObservedRunner, type ScopeDemand } from '../signals/demand.js';
import type { RunnerGate } from './runner-gate.js';
import type { ScaleSetPlan } from '../signals/scale-set-demand.js';
import { planRunners, type Plan, type PlanAction, type PlanLimits, type PlanPool } from './plan.js';
import { RunnerObservation, UNREPORTED_GRACE_MS } from './runner-observation.js';
import { desiredByPool } from './desired-runners.js';
import { PassScheduler } from './pass-scheduler.js';
import { PassListing, type Listing } from './pass-listing.js';

type CreateAction = Extract<PlanAction, { kind: 'create' }>;

/**
 * What the reconciler needs of the runners, declared here where it is used: the runner service is the real one,
 * an in-memory fleet the one of the unit tests.
 */
export interface Fleet {
  /** Every runner, Docker's containers joined with GitHub's runners, as the loop sees them. */
  observe(signal?: AbortSignal): Promise<ObservedRunner[]>;
  /** Starts runners (one, for the reconciler), or throws the reason it could not. */
  create(command: CreateRunnersCommand, signal?: AbortSignal): Promise<Runner[]>;
  /** Removes a runner: its container and its registration. */
  remove(id: string, signal?: AbortSignal, reason?: RemovalReason): Promise<unknown>;
  /** Deletes this orchestrator's registrations in `scopes` whose containers are gone; how many. */
  purgeOrphans(scopes: readonly GitHubScope[], signal?: AbortSignal): Promise<number>;
}

export interface ReconcilerDeps {
  runners: Fleet;
  github: GitHubPort;
  logger: Logger;
  orchestratorId: string;
  /** The pools, in order: each job goes to the first that fits it. */
  pools: readonly PlanPool[];
  /** The planner's limits but `MAX_RUNNERS`, which is the gate's. */
  limits: Omit<PlanLimits, 'maxRunners'>;
  /** The one capacity gate and book of runners in flight, shared with the API's creations. */
  gate: RunnerGate;
  /** What webhooks reported of runners and their jobs (the demand book); without them, polls alone. */
  jobReports?: JobReports;
  /** What GitHub said each scale-set pool needs (the scale-set listeners' demand). */
  scaleSets?: { plans(): ReadonlyMap<string, ScaleSetPlan> };
  /** Told what each pass made of the queued jobs (the dashboard's recent jobs). */
  activity?: PassActivity;
  now?: () => number;
}

/** What webhooks told of which runner took which job. */
export interface JobReports {
  /** The job a runner (by name) was reported to have taken, which need not be the one it was started for. */
  jobRunningOn(runnerName: string): number | undefined;
  /** True while webhooks report jobs: a job taken a moment ago then still looks queued until its report. */
  reportsActive(): boolean;
}

export interface PassOptions {
  signal?: AbortSignal | undefined;
  /** Also delete this orchestrator's registrations whose containers are gone. */
  purgeOrphans?: boolean;
  /** Only remove: for passes whose demand may be stale, where a creation could double a runner. */
  removalsOnly?: boolean;
  /** Only create: for passes nudged by a webhook, whose demand may be partial, where a removal could be wrong. */
  createsOnly?: boolean;
  /** List the runners afresh, even for a creations-only pass (see `PassListing.list`). */
  freshListing?: boolean;
  /** Called once the pass has planned (its creations are noted as under way), before it applies anything. */
  onPlanned?: () => void;
}

/** What one pass did, for logs and tests. */
export interface PassResult {
  plan: Plan;
  created: number;
  removed: number;
  orphansRemoved: number;
  failures: number;
  /** The pass planned on a listing an earlier pass made. */
  listingReused: boolean;
}

/**
 * Level-triggered reconciliation: observe (Docker's containers joined with GitHub's runners), plan (a pure
 * function), apply (start and remove runners through the runner service). When passes run is the
 * {@link PassScheduler}'s: the poller's (and the API's) one at a time, webhook-nudged ones pipelined. Every pass
 * counts the runners still being started (by job) as starting runners, so two passes never start two runners for
 * one job, nor more than `MAX_RUNNERS`.
 */
export class Reconciler {
  readonly #deps: ReconcilerDeps;
  readonly #now: () => number;
  /** When passes run: full ones one at a time, nudged ones pipelined, and the timed re-check. */
  readonly #scheduler: PassScheduler;
  /** Runners being started, or started a moment ago, by whichever path. */
  readonly #creations: RunnerGate;
  /** The runners as listed, and the newest listing, for creations-only passes that follow it closely. */
  readonly #listing: PassListing;
  readonly #observation: RunnerObservation;
  /** Applies a plan's removals and creations. */
  readonly #actions: PlanActions;
  /** What the last pass planned each pool to have (for the metrics). */
  #desired = new Map<string, number>();
  /** Scopes whose creations failed, waiting before they are tried again. */
  readonly backoff: CreationBackoff;

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.backoff = new CreationBackoff(this.#now);
    this.#creations = deps.gate;
    this.#listing = new PassListing(deps.runners, this.#now);
    this.#observation = new RunnerObservation(this.#now);
    this.#actions = new PlanActions({
      runners: deps.runners,
      logger: deps.logger,
      gate: deps.gate,
      backoff: this.backoff,
      ...(deps.activity ? { activity: deps.activity } : {}),
    });
    this.#scheduler = new PassScheduler((readDemand, options) => this.#pass(readDemand, options), this.#now);
  }

  /**
   * Runs one pass for `demand` (the queued jobs of every scope that has any; scopes not listed have none), after
   * every pass asked for before it. A function is called once the pass has listed the runners, so a pass that
   * waited for others works on the newest demand.
   */
  reconcile(
    demand: readonly ScopeDemand[] | (() => readonly ScopeDemand[]),
    options: PassOptions = {},
  ): Promise<PassResult> {
    return this.#scheduler.full(typeof demand === 'function' ? demand : () => demand, options);
  }

  /**
   * Asks for a creations-only pass on the newest demand (a webhook's signal). It starts once the previous nudged
   * pass has planned (not finished); nudges that come while it waits share it: a burst of fifty `queued`
   * deliveries makes a few passes, not fifty.
   */
  nudge(demand: () => readonly ScopeDemand[], signal?: AbortSignal, fresh = false): Promise<PassResult> {
    return this.#scheduler.nudge(demand, signal, fresh);
  }

  /** The runners each pool should have after the last pass: those kept, plus those being started. */
  desiredByPool(): ReadonlyMap<string, number> {
    return this.#desired;
  }

  /** Stops the timed re-check (the loops are stopping); passes asked for later still run. */
  stop(): void {
    this.#scheduler.stop();
  }

  async #pass(readDemand: () => readonly ScopeDemand[], options: PassOptions): Promise<PassResult> {
    const { signal } = options;
    const mayReuse = options.createsOnly === true && options.freshListing !== true;
    const listing = await this.#listing.list(mayReuse, signal);
    // Read after the listing (which can take seconds while Docker is busy): a job that was taken meanwhile, and
    // whose runner may be gone already, must not look queued.
    const demand = readDemand();
    const { plan, observed, takenUnreported } = this.#plan(listing, demand, options);
    // Runners counted against queued jobs while their reports are awaited stop counting after
    // UNREPORTED_GRACE_MS: one that never took a job (it failed at start) then leaves its job waiting for a
    // runner. A pass then looks again, so that job does not wait for the next poll.
    if (takenUnreported.size > 0) this.#scheduler.recheckIn(readDemand, UNREPORTED_GRACE_MS + 1000);
    this.#desired = desiredByPool(plan, observed, this.#deps.pools);
    const result: PassResult = {
      plan,
      created: 0,
      removed: 0,
      orphansRemoved: 0,
      failures: 0,
      listingReused: listing.reused,
    };
    const { planned, started } = this.#beginCreations(plan, demand, observed, options);
    options.onPlanned?.();
    this.#warnDeferred(plan);
    // Removals first: they free the capacity the creations were planned with.
    const stopped = !options.createsOnly && (await this.#actions.applyRemovals(plan, result, signal));
    if (stopped) for (const { key } of started) this.#creations.end(key, null);
    else await this.#actions.applyCreations(started, demand, result, signal);
    this.#retryWhenWaitsEnd(planned, readDemand);
    if (options.purgeOrphans)
      result.orphansRemoved = await this.#purgeOrphans(demand, listing.runners, signal);
    if (result.created + result.removed + result.orphansRemoved > 0) {
      const { created, removed, orphansRemoved } = result;
      this.#deps.logger.info({ category: 'SUCCESS', created, removed, orphansRemoved }, 'reconciled runners');
    }
    return result;
  }

  /** Observes (the listing, the runners in flight, what webhooks said) and plans; logs what it planned. */
  #plan(
    listing: Listing,
    demand: readonly ScopeDemand[],
    options: PassOptions,
  ): { plan: Plan; observed: ObservedRunner[]; takenUnreported: Map<string, number> } {
    const reports = this.#deps.jobReports?.reportsActive() ? this.#deps.jobReports : null;
    const recent = this.#creations.recent(listing.atMs, listing.runners, reports);
    const takenUnreported = recent.goneUnreported;
    const listed = this.#observation.observe(listing.runners, reports, takenUnreported, listing.reused);
    const observed = [...listed, ...recent.starting];
    const plan = planRunners({
      demand,
      runners: observed,
      pools: this.#deps.pools,
      limits: { ...this.#deps.limits, maxRunners: this.#deps.gate.limits.maxRunners },
      nowMs: this.#now(),
      takenUnreported,
      ...(this.#deps.scaleSets ? { scaleSets: this.#deps.scaleSets.plans() } : {}),
    });
    this.#deps.logger.debug(
      {
        queuedJobs: demand.reduce((sum, { jobs }) => sum + jobs.length, 0),
        runners: listed.length,
        starting: recent.starting.length,
        takenUnreported: Object.fromEntries(takenUnreported),
        create: plan.actions.flatMap((a) => (a.kind === 'create' ? [a.jobId] : [])),
        createsOnly: options.createsOnly ?? false,
      },
      'planned',
    );
    return { plan, observed, takenUnreported };
  }

  /**
   * Notes the plan's creations in the gate's book before anything is awaited, and tells the activity what the
   * plan made of the queued jobs. `planned` are all the plan's creations, `started` those that go ahead.
   */
  #beginCreations(
    plan: Plan,
    demand: readonly ScopeDemand[],
    observed: readonly ObservedRunner[],
    options: PassOptions,
  ): { planned: CreateAction[]; started: { action: CreateAction; key: string }[] } {
    // Those in a scope that waits after failures are left out: their jobs stay queued until the wait ends.
    const planned = options.removalsOnly
      ? []
      : plan.actions.filter((action): action is CreateAction => action.kind === 'create');
    const creations = planned.filter((action) => !this.backoff.waiting(backoffKey(action)));
    reportPlanned(this.#deps.activity, demand, plan, this.backoff, observed);
    const keys = this.#creations.begin(creations);
    return { planned, started: creations.map((action, index) => ({ action, key: keys[index]! })) };
  }

  /** Says, once a pass, that jobs wait because `MAX_RUNNERS` (or a pool's `max`) is reached. */
  #warnDeferred(plan: Plan): void {
    if (plan.deferredJobs === 0) return;
    this.#deps.logger.warn(
      {
        category: 'WARNING',
        deferredJobs: plan.deferredJobs,
        maxRunners: this.#deps.gate.limits.maxRunners,
      },
      'MAX_RUNNERS reached: some queued jobs wait for a free runner slot',
    );
  }

  /** Deletes this orchestrator's registrations without containers, in the scopes of the demand and the runners. */
  #purgeOrphans(
    demand: readonly ScopeDemand[],
    runners: readonly ObservedRunner[],
    signal?: AbortSignal,
  ): Promise<number> {
    const scopes = new Map<string, GitHubScope>();
    for (const { scope } of demand) scopes.set(scopeKey(scope), scope);
    for (const runner of runners) scopes.set(runner.scopeKey, runner.scope);
    return this.#deps.runners.purgeOrphans([...scopes.values()], signal);
  }

  /**
   * Creations of scopes that wait after failures (those left out, and those that failed now) are tried again when
   * the wait ends, by a pass of its own: no other signal may come (a scale set has said its piece, a poll is minutes
   * away).
   */
  #retryWhenWaitsEnd(planned: readonly CreateAction[], readDemand: () => readonly ScopeDemand[]): void {
    const waits = planned.flatMap((action) => this.backoff.retryAt(backoffKey(action)) ?? []);
    if (waits.length === 0) return;
    this.#scheduler.recheckIn(readDemand, Math.max(0, Math.min(...waits) - this.#now()) + 100);
  }
}
