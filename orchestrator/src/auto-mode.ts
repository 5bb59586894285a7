import { analyzeWorkflow, usesSelfHostedRunners } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import { DemandBook } from './signals/demand-book.js';
import type { DiscoverySource } from './signals/discovery-source.js';
import { JobPoller, type JobPollerOptions } from './signals/job-poller.js';
import { toPlanPool } from './pools/pool.js';
import { Reconciler } from './control/reconciler.js';
import type { RunnerGate } from './control/runner-gate.js';
import type { PassActivity } from './control/pass-activity.js';
import type { ScaleSetParts } from './scale-sets.js';
import type { OrchestratorConfig } from './config.js';
import type { AutoMode } from './loops.js';
import type { RepositoryVisibility } from './fleet/repository-visibility.js';
import type { RunnerService } from './fleet/runner-service.js';
import type { GitHubPort, JobMessage } from '@gha-ephemeral/github';

/** Builds automatic mode's poller and reconciler from the configuration. */
export function createAutoMode(options: {
  config: OrchestratorConfig;
  github: GitHubPort & DiscoverySource;
  runners: RunnerService;
  gate: RunnerGate;
  visibility: RepositoryVisibility;
  logger: Logger;
  nextPollDelayMs?: (baseMs: number) => number;
  /** The scale-set parts, when some pools are scale sets. */
  scaleSets?: ScaleSetParts | null;
  /** Told what each pass made of the queued jobs (the dashboard's recent jobs). */
  activity?: PassActivity;
  /** Told of each scale-set job message (the dashboard's recent jobs). */
  scaleSetJobs?: (pool: string, job: JobMessage) => void;
  /** Told of every job of the runs a poll looked at (the dashboard's recent jobs). */
  polledJobs?: JobPollerOptions['onJobs'];
}): AutoMode {
  const { config, github, runners, logger } = options;
  const poller = new JobPoller({
    source: github,
    usesSelfHosted: (text) => usesSelfHostedRunners(analyzeWorkflow(text)),
    mode: config.DISCOVERY_MODE,
    organizations: config.GITHUB_ORGANIZATION,
    refreshIntervalMs: config.DISCOVERY_REFRESH_INTERVAL * 1000,
    visibility: options.visibility,
    logger: logger.child({ component: 'poller' }),
    ...(options.polledJobs ? { onJobs: options.polledJobs } : {}),
  });
  const book = new DemandBook();
  const reconciler = new Reconciler({
    runners,
    jobReports: book,
    github,
    logger: logger.child({ component: 'reconciler' }),
    orchestratorId: config.ORCHESTRATOR_ID,
    pools: config.pools.map(toPlanPool),
    gate: options.gate,
    ...(options.scaleSets ? { scaleSets: options.scaleSets.demand } : {}),
    ...(options.activity ? { activity: options.activity } : {}),
    limits: {
      startTimeoutMs: config.RUNNER_START_TIMEOUT * 1000,
      idleTimeoutMs: config.RUNNER_IDLE_TIMEOUT * 1000,
      maxIdleAgeMs: config.RUNNER_MAX_IDLE_AGE * 1000,
    },
  });
  const listeners = options.scaleSets?.listeners(
    (signal) => void reconciler.nudge(() => book.demand(), signal).catch(() => undefined),
    options.scaleSetJobs,
  );
  // Scale sets are told their jobs by GitHub: polls are for the other pools only.
  const polls = config.pools.some((pool) => pool.scaleSet === null);
  if (!polls) logger.info({}, 'every pool is a runner scale set: no polling for queued jobs');
  return {
    poller,
    reconciler,
    listeners: listeners ?? [],
    polls,
    scaleSetScopes: options.scaleSets?.scopes ?? [],
    book,
    checkIntervalMs: config.RUNNER_CHECK_INTERVAL * 1000,
    ...(options.nextPollDelayMs ? { nextPollDelayMs: options.nextPollDelayMs } : {}),
  };
}
