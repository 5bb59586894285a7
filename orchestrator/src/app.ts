import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError, type Runner } from '@gha-ephemeral/contract';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { frameworkErrorHandler } from '@gha-ephemeral/http-errors';
import type { Logger } from '@gha-ephemeral/logging';
import { registerErrorHandler } from './http/error-handler.js';
import type { HealthCheck } from './health.js';
import { healthRoutes } from './http/health-routes.js';
import { jobEventRoutes } from './http/job-event-routes.js';
import { poolRoutes } from './http/pool-routes.js';
import { activityRoutes } from './http/activity-routes.js';
import type { Activity } from './activity/compose-activity.js';
import { runnerRoutes } from './http/runner-routes.js';
import type { JobEvents } from './signals/job-events.js';
import type { RepositoryVisibility } from './fleet/repository-visibility.js';
import type { CreateRunnersCommand, RunnerService } from './fleet/runner-service.js';
import { metricsRoutes } from './metrics/metrics-routes.js';
import type { OrchestratorMetrics } from './metrics/orchestrator-metrics.js';

export interface AppDeps {
  logger: Logger;
  runners: RunnerService;
  /** Starts runners asked for through the API, through the capacity gate. */
  startRunners: (command: CreateRunnersCommand) => Promise<Runner[]>;
  /** The public-repository rule of `POST /api/v1/runners`. */
  visibility: RepositoryVisibility;
  health: HealthCheck;
  events: JobEvents;
  /** `ORCHESTRATOR_API_TOKEN`: when set, runner routes require `Authorization: Bearer <it>`. */
  apiToken: string | null;
  /** Served at `GET /metrics` (without the API token) when given. */
  metrics?: OrchestratorMetrics;
  /** The recent jobs and the dashboard's feed (`GET /api/v1/jobs`, `GET /api/v1/events`). */
  activity: Pick<Activity, 'jobs' | 'feed'>;
  /** What the last pass planned each pool to have; null without automatic mode. */
  desired: () => ReadonlyMap<string, number> | null;
  /** Told of a runner removed through the API (the gate forgets it). */
  onRunnerRemoved?: (id: string) => void;
}

/** Largest request body accepted (a create request is a few hundred bytes). */
export const BODY_LIMIT = 64 * 1024;
const ERROR_MAPPING = { service: 'orchestrator', bodyLimit: BODY_LIMIT };

/**
 * Compares a presented token with the expected one in a time that tells neither where they differ nor how long the
 * expected one is: both are hashed to 32 bytes first, so the constant-time `compare` always runs, on equal lengths
 * (comparing the raw strings would have to return early when their lengths differ). `compare` is for tests.
 */
export function tokensMatch(
  presented: string,
  expected: string,
  compare: (a: Buffer, b: Buffer) => boolean = timingSafeEqual,
): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return compare(digest(presented), digest(expected));
}

/** Builds the orchestrator's HTTP app. Never listens: `main.ts` does, and tests use `inject()`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Typed as Fastify's logger: pino's Logger differs from it only in generics, which would leak into every route type.
  const httpLogger: FastifyBaseLogger = deps.logger.child({ component: 'http' });
  const app = Fastify({
    loggerInstance: httpLogger,
    // The gateway logs requests for people; the orchestrator's own lines would only double them.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    frameworkErrors: frameworkErrorHandler(ERROR_MAPPING),
  });
  registerErrorHandler(app, ERROR_MAPPING);
  // JSON only: without this, Fastify would hand a text/plain body to the routes, and the client would get a
  // confusing validation error instead of 415.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (request) => {
    if (deps.apiToken === null || /^\/(?:health|metrics)(?:\?|$)/.test(request.url)) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    if (!match?.[1] || !tokensMatch(match[1], deps.apiToken)) {
      throw new AppError(
        'auth.invalid',
        'The orchestrator requires "Authorization: Bearer <ORCHESTRATOR_API_TOKEN>"',
      );
    }
  });

  await app.register(healthRoutes, { health: deps.health });
  await app.register(runnerRoutes, {
    runners: deps.runners,
    start: deps.startRunners,
    visibility: deps.visibility,
    ...(deps.onRunnerRemoved ? { onRemoved: deps.onRunnerRemoved } : {}),
  });
  await app.register(poolRoutes, { runners: deps.runners, desired: deps.desired });
  await app.register(activityRoutes, deps.activity);
  // Open event streams end first: the server's close would otherwise wait for them forever.
  app.addHook('preClose', async () => deps.activity.feed.close());
  await app.register(jobEventRoutes, { events: deps.events });
  if (deps.metrics) await app.register(metricsRoutes, { metrics: deps.metrics });
  return app;
}
