import type { Runner } from '@gha-ephemeral/contract';
import { webUrlFromApiUrl, type GitHubPort } from '@gha-ephemeral/github';
import { DockerRuntime, type RunnerRuntime } from '@gha-ephemeral/runtime-docker';
import { SwarmRuntime } from '@gha-ephemeral/runtime-swarm';
import { RoutedRuntime } from './fleet/routed-runtime.js';
import { ownerSelector } from './fleet/container-labels.js';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '@gha-ephemeral/logging';
import { buildApp } from './app.js';
import { createGitHubClients } from './github-clients.js';
import type { OrchestratorConfig } from './config.js';
import { HealthCheck } from './health.js';
import { DemandBook } from './signals/demand-book.js';
import { JobEvents } from './signals/job-events.js';
import { createAutoMode } from './auto-mode.js';
import { startLoops, type AutoMode, type Loops } from './loops.js';
import type { SecretSink } from './fleet/registration-tokens.js';
import { RepositoryVisibility } from './fleet/repository-visibility.js';
import type { CrashStep, RunnerService } from './fleet/runner-service.js';
import { composeFleet } from './fleet/compose-fleet.js';
import { RunnerGate } from './control/runner-gate.js';
import { startRequestedRunners } from './control/requested-runners.js';
import { composeScaleSets } from './scale-sets.js';
import { composeActivity } from './activity/compose-activity.js';
import { recordScaleSetJob } from './activity/scale-set-jobs.js';
import { summarizePools } from './pools/pool-summary.js';
import type { ScaleSetDemand } from './signals/scale-set-demand.js';
import { OrchestratorMetrics } from './metrics/orchestrator-metrics.js';
import { nudging } from './metrics/runner-observer.js';
import { startupWarnings } from './startup-warnings.js';
import { removeFinishedRunners, singleFlight } from './control/finished-runners.js';

/** A wired orchestrator: the HTTP app, the services behind it, and its background loops (not started yet). */
export interface Orchestrator {
  app: FastifyInstance;
  runners: RunnerService;
  github: GitHubPort;
  runtime: RunnerRuntime;
  /** The Prometheus metrics served at `/metrics`. */
  metrics: OrchestratorMetrics;
  /** Automatic mode's poller and reconciler, when `AUTO_CREATE_RUNNERS=true`. */
  auto: AutoMode | null;
  /** The scale-set listeners' demand and states, when some pools are scale sets. */
  scaleSets: ScaleSetDemand | null;
  /**
   * Starts the background loops; `stop()` on the result ends them. `autoCheck: false` leaves out automatic
   * mode's polling loop, for tests that run its passes themselves.
   */
  startLoops(options?: { autoCheck?: boolean }): Loops;
}

export interface OrchestratorDeps {
  logger: Logger;
  /** Receives every secret minted at run time (registration tokens, JIT configs) so the logs can redact it. */
  onSecret: SecretSink;
  version: string;
  /** Overrides for tests; by default the real Docker engine and Octokit. */
  runtime?: RunnerRuntime;
  github?: GitHubPort;
  /** The metrics registry; by default a fresh one (`main.ts` passes one with the process metrics). */
  metrics?: OrchestratorMetrics;
  /** A creation step at which the process kills itself (tests of crash recovery only). */
  crashAt?: CrashStep | null;
  /**
   * How long before its `expires_at` a GitHub App installation token is replaced; by default the client's
   * (5 minutes). Tests shorten it along with the simulator's token lifetime instead of waiting an hour.
   */
  appTokenRefreshMarginMs?: number;
  /** How long a scale-set listener waits while another holds the session (tests shorten the 30 s). */
  scaleSetConflictRetryMs?: number;
}

/**
 * The Docker engine, and when some pool runs on the Swarm, the Swarm beside it (through the same engine, a
 * manager), each pool's runners routed to their own.
 */
function composeRuntime(config: OrchestratorConfig, logger: Logger): RunnerRuntime {
  const docker = new DockerRuntime({ logger: logger.child({ component: 'docker' }) });
  const swarmPools = config.pools.filter((pool) => pool.runtime === 'swarm');
  if (swarmPools.length === 0) return docker;
  const swarm = new SwarmRuntime({ logger: logger.child({ component: 'swarm' }) });
  return new RoutedRuntime(docker, swarm, new Set(swarmPools.map((pool) => pool.network)));
}

/** The composition root: builds the real adapters from the configuration and wires everything together. */
export async function createOrchestrator(
  config: OrchestratorConfig,
  deps: OrchestratorDeps,
): Promise<Orchestrator> {
  const { logger } = deps;
  const clients = deps.github ? null : createGitHubClients(config, deps);
  const github = deps.github ?? clients!.github;
  const removals = deps.github ?? clients!.removals;
  const runtime = deps.runtime ?? composeRuntime(config, logger);
  const metrics = deps.metrics ?? new OrchestratorMetrics();
  const userAgent = `gha-ephemeral-runners/${deps.version}`;
  const scaleSets = composeScaleSets({
    config,
    github,
    logger: logger.child({ component: 'scale-set' }),
    userAgent,
    onSecret: deps.onSecret,
    ...(deps.scaleSetConflictRetryMs === undefined ? {} : { conflictRetryMs: deps.scaleSetConflictRetryMs }),
  });
  const fleet = composeFleet({
    // The dashboard's feed looks again when a runner starts or goes, so watchers see it at once.
    observer: nudging(metrics, () => nudgeFeed()),
    runtime,
    github,
    removals,
    crashAt: deps.crashAt ?? null,
    logger: logger.child({ component: 'runners' }),
    onSecret: deps.onSecret,
    stateDir: config.ORCHESTRATOR_STATE_DIR,
    dind: { image: config.DIND_IMAGE, mode: config.DIND_MODE },
    ...(scaleSets
      ? { scaleSets: scaleSets.registrar, onRunnerRemoved: (id: string) => scaleSets.demand.forget(id) }
      : {}),
    settings: {
      pools: config.pools,
      maxRunners: config.MAX_RUNNERS,
      orchestratorId: config.ORCHESTRATOR_ID,
      githubUrl: webUrlFromApiUrl(config.GITHUB_API_URL),
      runnerGroupId: config.RUNNER_GROUP_ID,
    },
  });
  const { runners } = fleet;
  let nudgeFeed = (): void => undefined;
  // The one capacity gate and book of runners in flight: the reconciler's creations and the API's go through it.
  const gate = new RunnerGate(
    { maxRunners: config.MAX_RUNNERS, poolMax: new Map(config.pools.map((pool) => [pool.name, pool.max])) },
    Date.now,
  );
  const health = new HealthCheck(runtime, github, deps.version, {
    ...(scaleSets ? { scaleSets: () => scaleSets.demand.statuses() } : {}),
  });
  const visibility = new RepositoryVisibility({
    github,
    allowPublic: config.ALLOW_PUBLIC_REPOSITORIES,
    logger: logger.child({ component: 'visibility' }),
  });
  for (const warning of startupWarnings(config)) logger.warn({ category: 'WARNING' }, warning);
  let auto: AutoMode | null = null;
  const desired = () => auto?.reconciler.desiredByPool() ?? null;
  const activity = composeActivity({
    runners,
    pools: (listed) => summarizePools(config.pools, listed, desired()),
    health: () => health.check(),
    github,
    logger: logger.child({ component: 'dashboard' }),
  });
  nudgeFeed = () => activity.feed.nudge();
  auto = config.AUTO_CREATE_RUNNERS
    ? createAutoMode({
        config,
        github,
        runners,
        gate,
        visibility,
        scaleSets,
        activity: activity.pass,
        scaleSetJobs: (pool, job) => recordScaleSetJob(activity.jobs, pool, job),
        polledJobs: (repository, jobs) => activity.jobs.polled(repository, jobs),
        logger: logger.child({ component: 'auto' }),
        nextPollDelayMs: (base) => github.suggestedPollDelayMs(base),
      })
    : null;
  const book = auto?.book ?? new DemandBook();
  // One look at a time, bounded like every engine call; deliveries meanwhile are folded into the next look.
  const removeFinished = singleFlight(() =>
    removeFinishedRunners({ book, fleet: runners, logger, signal: AbortSignal.timeout(60_000) }),
  );
  const events = new JobEvents({
    book,
    reconciler: auto?.reconciler ?? null,
    runners,
    directory: fleet.directory,
    onFinished: () => {
      void removeFinished().catch((error: unknown) =>
        logger.warn({ err: error }, 'could not look at the runners of completed jobs; the next one retries'),
      );
    },
    visibility,
    logger: logger.child({ component: 'webhooks' }),
    mode: config.DISCOVERY_MODE,
    organizations: config.GITHUB_ORGANIZATION,
    onHandled: (action, outcome) => metrics.jobEventHandled(action, outcome),
    activity: activity.webhooks,
  });
  // Gauges collected at the same moment share one listing (never an older one: a scrape shows the fleet now).
  let listing: Promise<Runner[]> | null = null;
  const listForScrape = (signal: AbortSignal) => {
    listing ??= runners.list(signal).finally(() => (listing = null));
    return listing;
  };
  if (scaleSets) metrics.scaleSets.attach(() => scaleSets.demand.statuses());
  metrics.pools.attach({
    pools: config.pools,
    runners: listForScrape,
    desired: () => desired() ?? new Map(),
  });
  metrics.attach({
    github,
    runnerStates: async (signal) => (await listForScrape(signal)).map((runner) => runner.status),
    refusedRepositories: () => auto?.poller.refusedRepositories().length ?? 0,
    blockedScopes: () => auto?.reconciler.backoff.lastingCount() ?? 0,
  });
  const app = await buildApp({
    metrics,
    logger,
    runners,
    startRunners: (command) => startRequestedRunners(gate, runners, command),
    visibility,
    health,
    events,
    apiToken: config.ORCHESTRATOR_API_TOKEN ?? null,
    activity,
    desired,
    onRunnerRemoved: (id) => gate.forgetRunner(id),
  });
  return {
    app,
    scaleSets: scaleSets?.demand ?? null,
    runners,
    github,
    runtime,
    metrics,
    auto,
    startLoops: (options = {}) =>
      startLoops({
        runners,
        reaper: fleet.reaper,
        orphans: fleet.orphans,
        logger: logger.child({ component: 'loops' }),
        purgeIntervalSeconds: config.RUNNER_PURGE_INTERVAL,
        startTimeoutMs: config.RUNNER_START_TIMEOUT * 1000,
        auto,
        ...(runtime instanceof RoutedRuntime
          ? {
              sweepRuntime: (signal: AbortSignal) =>
                runtime.sweepOrphans({ labels: ownerSelector(config.ORCHESTRATOR_ID) }, { signal }),
            }
          : {}),
        autoCheck: options.autoCheck ?? true,
      }),
  };
}
