import { createOctokit, OctokitGitHub, webUrlFromApiUrl, type GitHubPort } from '@gha-ephemeral/github';
import { DockerRuntime, type RunnerRuntime } from '@gha-ephemeral/runtime-docker';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '@gha-ephemeral/logging';
import { buildApp } from './app.js';
import type { OrchestratorConfig } from './config.js';
import { HealthCheck } from './health.js';
import { DemandBook } from './auto/demand-book.js';
import { JobEvents } from './auto/job-events.js';
import { createAutoMode } from './auto-mode.js';
import { startLoops, type AutoMode, type Loops } from './loops.js';
import { RunnerService } from './runners/runner-service.js';
import { OrchestratorMetrics } from './metrics/orchestrator-metrics.js';

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
  /**
   * Starts the background loops; `stop()` on the result ends them. `autoCheck: false` leaves out automatic
   * mode's polling loop, for tests that run its passes themselves.
   */
  startLoops(options?: { autoCheck?: boolean }): Loops;
}

export interface OrchestratorDeps {
  logger: Logger;
  /** Receives every secret minted at run time (registration tokens, JIT configs) so the logs can redact it. */
  onSecret: (secret: string) => void;
  version: string;
  /** Overrides for tests; by default the real Docker engine and Octokit. */
  runtime?: RunnerRuntime;
  github?: GitHubPort;
  /** The metrics registry; by default a fresh one (`main.ts` passes one with the process metrics). */
  metrics?: OrchestratorMetrics;
  /**
   * How long before its `expires_at` a GitHub App installation token is replaced; by default the client's
   * (5 minutes). Tests shorten it along with the simulator's token lifetime instead of waiting an hour.
   */
  appTokenRefreshMarginMs?: number;
}

/** Writes of the removal client let through at once: with the main client's 50, a worst minute stays ≤ 180 writes. */
const REMOVAL_WRITE_BURST = 10;

/**
 * The GitHub port over Octokit, authenticated with the token or as the GitHub App installation. `role: 'removals'`
 * makes the client that removes runners: its own throttling bucket, so removals never queue behind creations.
 */
function createGitHub(
  config: OrchestratorConfig,
  deps: OrchestratorDeps,
  role: 'main' | 'removals' = 'main',
): GitHubPort {
  const app = config.githubApp;
  const octokit = createOctokit({
    baseUrl: config.GITHUB_API_URL,
    auth:
      app === null
        ? (config.GITHUB_RUNNER_TOKEN ?? '')
        : {
            appId: app.appId,
            privateKey: app.privateKey,
            installationId: app.installationId,
            organizations: config.GITHUB_ORGANIZATION,
            ...(deps.appTokenRefreshMarginMs === undefined
              ? {}
              : { refreshMarginMs: deps.appTokenRefreshMarginMs }),
          },
    userAgent: `gha-ephemeral-runners/${deps.version}`,
    logger: deps.logger.child({ component: 'github' }),
    writeBurst: role === 'main' ? config.GITHUB_WRITE_BURST : REMOVAL_WRITE_BURST,
    throttleId: `gha-ephemeral-${role}`,
    requestTimeoutMs: config.GITHUB_REQUEST_TIMEOUT * 1000,
  });
  return app === null
    ? new OctokitGitHub(octokit)
    : new OctokitGitHub(octokit, 'GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY', {
        authKind: 'app-installation',
      });
}

/** The composition root: builds the real adapters from the configuration and wires everything together. */
export async function createOrchestrator(
  config: OrchestratorConfig,
  deps: OrchestratorDeps,
): Promise<Orchestrator> {
  const { logger } = deps;
  const github = deps.github ?? createGitHub(config, deps);
  const removals = deps.github ?? createGitHub(config, deps, 'removals');
  const runtime = deps.runtime ?? new DockerRuntime({ logger: logger.child({ component: 'docker' }) });
  const metrics = deps.metrics ?? new OrchestratorMetrics();
  const runners = new RunnerService({
    observer: metrics,
    runtime,
    github,
    removals,
    logger: logger.child({ component: 'runners' }),
    onSecret: deps.onSecret,
    settings: {
      image: config.RUNNER_IMAGE,
      command: config.command,
      network: config.RUNNER_NETWORK ?? null,
      maxRunners: config.MAX_RUNNERS,
      template: config.template,
      configuredLabels: config.RUNNER_LABELS,
      orchestratorId: config.ORCHESTRATOR_ID,
      githubUrl: webUrlFromApiUrl(config.GITHUB_API_URL),
      runnerGroupId: config.RUNNER_GROUP_ID,
    },
  });
  const health = new HealthCheck(runtime, github, deps.version);
  const auto = config.AUTO_CREATE_RUNNERS
    ? createAutoMode({
        config,
        github,
        runners,
        logger: logger.child({ component: 'auto' }),
        nextPollDelayMs: (base) => github.suggestedPollDelayMs(base),
      })
    : null;
  const events = new JobEvents({
    book: auto?.book ?? new DemandBook(),
    reconciler: auto?.reconciler ?? null,
    runners,
    logger: logger.child({ component: 'webhooks' }),
    mode: config.DISCOVERY_MODE,
    organizations: config.GITHUB_ORGANIZATION,
    onHandled: (action, outcome) => metrics.jobEventHandled(action, outcome),
  });
  metrics.attach({
    github,
    runnerStates: async (signal) => (await runners.list(signal)).map((runner) => runner.status),
  });
  const app = await buildApp({
    metrics,
    logger,
    runners,
    health,
    events,
    apiToken: config.ORCHESTRATOR_API_TOKEN ?? null,
  });
  return {
    app,
    runners,
    github,
    runtime,
    metrics,
    auto,
    startLoops: (options = {}) =>
      startLoops({
        runners,
        logger: logger.child({ component: 'loops' }),
        purgeIntervalSeconds: config.RUNNER_PURGE_INTERVAL,
        auto,
        autoCheck: options.autoCheck ?? true,
      }),
  };
}
