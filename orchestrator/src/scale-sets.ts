import {
  ActionsServiceClient,
  scopeTarget,
  webUrlFromApiUrl,
  type GitHubPort,
  type GitHubScope,
} from '@gha-ephemeral/github';
import type { JobMessage } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import type { OrchestratorConfig } from './config.js';
import { RegistrationTokens, type SecretSink } from './fleet/registration-tokens.js';
import { ScaleSetRunners } from './fleet/scale-set-registrar.js';
import { scaleSetLabels, type RunnerPool } from './pools/pool.js';
import { ScaleSetDemand } from './signals/scale-set-demand.js';
import { ScaleSetListener } from './signals/scale-set-listener.js';
import { SessionJournal } from './signals/session-journal.js';
import { scopeKey } from './signals/demand.js';

/** The scale-set parts of the orchestrator, built once by the composition root. */
export interface ScaleSetParts {
  /** What GitHub said each scale-set pool needs, and each listener's state. */
  demand: ScaleSetDemand;
  /** Registers runners of scale-set pools with their scale set (the fleet's launcher uses it). */
  registrar: ScaleSetRunners;
  /** The scopes the scale sets are registered in (for the orphan purge). */
  scopes: GitHubScope[];
  /** Builds one listener per scale-set pool, each calling `onDemand` when GitHub has spoken. */
  listeners(
    onDemand: (signal: AbortSignal) => void,
    onJob?: (pool: string, job: JobMessage) => void,
  ): ScaleSetListener[];
}

/** Options of {@link composeScaleSets}. */
export interface ScaleSetOptions {
  config: OrchestratorConfig;
  github: GitHubPort;
  logger: Logger;
  userAgent: string;
  /** Told of every token the scale sets use (registration, admin, queue), so that the logs can redact it. */
  onSecret: SecretSink;
  /** For tests: how long a listener waits while another holds the session. */
  conflictRetryMs?: number;
}

/** Builds the scale-set parts, or null when no pool is a scale set. One Actions service client per scope. */
export function composeScaleSets(options: ScaleSetOptions): ScaleSetParts | null {
  const { config, github, logger } = options;
  const pools = config.pools.filter(
    (pool): pool is RunnerPool & { scaleSet: NonNullable<RunnerPool['scaleSet']>; scope: GitHubScope } =>
      pool.scaleSet !== null && pool.scope !== null,
  );
  if (pools.length === 0) return null;
  const clients = new Map<string, ActionsServiceClient>();
  const tokens = new RegistrationTokens(github, options.onSecret);
  const clientOf = (scope: GitHubScope): ActionsServiceClient => {
    const key = scopeKey(scope);
    let client = clients.get(key);
    if (client === undefined) {
      client = new ActionsServiceClient({
        restBaseUrl: config.GITHUB_API_URL,
        webUrl: webUrlFromApiUrl(config.GITHUB_API_URL),
        scope,
        registrationToken: (signal) => tokens.get(scope, signal),
        onSecret: options.onSecret,
        userAgent: options.userAgent,
        requestTimeoutMs: config.GITHUB_REQUEST_TIMEOUT * 1000,
      });
      clients.set(key, client);
    }
    return client;
  };
  const demand = new ScaleSetDemand(
    pools.map((pool) => ({
      pool: pool.name,
      name: pool.scaleSet.name,
      max: pool.max,
      minIdle: pool.minIdle,
    })),
  );
  const registrar = new ScaleSetRunners(
    new Map(
      pools.map((pool) => [
        pool.name,
        { client: clientOf(pool.scope), scaleSetId: () => demand.scaleSetId(pool.name) },
      ]),
    ),
  );
  const sessions = new SessionJournal(config.ORCHESTRATOR_STATE_DIR, config.ORCHESTRATOR_ID, logger);
  return {
    demand,
    registrar,
    scopes: pools.map((pool) => pool.scope),
    listeners: (onDemand, onJob) =>
      pools.map((pool) => {
        logger.info(
          { pool: pool.name, scaleSet: pool.scaleSet.name, target: scopeTarget(pool.scope) },
          'the pool is a runner scale set: GitHub assigns its jobs; no polling or webhooks are needed for it',
        );
        return new ScaleSetListener({
          service: clientOf(pool.scope),
          pool: {
            pool: pool.name,
            name: pool.scaleSet.name,
            runnerGroup: pool.scaleSet.runnerGroup,
            labels: scaleSetLabels(pool),
            // GitHub assigns no more than this: the pool's max, within MAX_RUNNERS over all pools.
            max: Math.min(pool.max, config.MAX_RUNNERS),
          },
          ownerName: config.ORCHESTRATOR_ID,
          demand,
          sessions,
          onDemand,
          ...(onJob ? { onJob } : {}),
          onSecret: (secret) => void options.onSecret(secret),
          logger: logger.child({ component: 'scale-set' }),
          ...(options.conflictRetryMs === undefined ? {} : { conflictRetryMs: options.conflictRetryMs }),
        });
      }),
  };
}
