import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { frameworkErrorHandler } from '@gha-ephemeral/http-errors';
import type { Logger } from '@gha-ephemeral/logging';
import { ApiKeyRing } from './auth/api-key-ring.js';
import { registerClientIdentity } from './auth/client-identity.js';
import type { CorsOrigins, TrustProxy } from './config-fields.js';
import { docsRoutes } from './docs/docs-routes.js';
import { uiRoutes } from './ui/ui-routes.js';
import { buildOpenApiDocument } from './docs/openapi-document.js';
import { registerErrorHandler } from './error-handler.js';
import { handleClientError } from './http/client-error.js';
import { registerCors } from './http/cors.js';
import { registerJsonBody } from './http/json-body.js';
import { healthRateLimit, registerRateLimit, type RateLimitSettings } from './http/rate-limit.js';
import { registerRequestLog } from './http/request-log.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { registerHttpMetrics } from './metrics/http-metrics.js';
import { metricsRoutes } from './metrics/metrics-routes.js';
import { healthRoutes } from './routes/health.js';
import { runnerRoutes } from './routes/runners.js';
import { activityRoutes, gatewayEventStreams } from './routes/activity.js';
import type { OrchestratorPort } from './upstream/orchestrator-client.js';
import { OrchestratorHealthView } from './upstream/orchestrator-health.js';
import { WebhookForwarder } from './webhooks/forwarder.js';
import { webhookRoutes } from './webhooks/webhook-routes.js';

/** What {@link buildApp} needs; `main.ts` builds it from the configuration, tests build it by hand. */
export interface AppDeps {
  logger: Logger;
  orchestrator: OrchestratorPort;
  /** The gateway's version, in `/health` and the OpenAPI document. */
  version: string;
  /** `GATEWAY_API_KEYS`; empty closes the runner routes (401 `auth.not_configured`). */
  apiKeys: readonly string[];
  rateLimit: RateLimitSettings;
  corsOrigins: CorsOrigins;
  trustProxy: TrustProxy;
  /** `GITHUB_WEBHOOK_SECRET`; unset (or null) answers webhook deliveries 503 `webhook.not_configured`. */
  webhookSecret?: string | null;
  /** The app's metrics; by default a fresh registry of its own. */
  metrics?: GatewayMetrics;
  /** Hands webhook events to the orchestrator; by default one over `orchestrator`, closed with the app. */
  forwarder?: WebhookForwarder;
  /**
   * `/health`'s view of the orchestrator: how long one answer is served to every caller (default 1 s) and the
   * deadline of asking (default 3 s).
   */
  health?: { cacheMs?: number; timeoutMs?: number };
  /**
   * The clock (ms since the epoch) of the rate-limit windows, `/health`'s cache and the webhook refusal log; tests
   * pass their own.
   */
  now?: () => number;
}

/** Largest request body accepted: a create request with 100 long labels is well under it. */
export const BODY_LIMIT = 64 * 1024;
const ERROR_MAPPING = { service: 'gateway', bodyLimit: BODY_LIMIT };

/** Fastify counts hops itself, but its types only take the other forms: a hop count as the equivalent function. */
function fastifyTrustProxy(
  setting: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

function createForwarder(deps: AppDeps, metrics: GatewayMetrics): WebhookForwarder {
  return new WebhookForwarder({
    orchestrator: deps.orchestrator,
    logger: deps.logger.child({ component: 'webhooks' }),
    onResult: (result, attempts) => {
      metrics.webhookForwards.inc({ result });
      if (attempts > 1) metrics.webhookForwardRetries.inc(attempts - 1);
    },
  });
}

/**
 * Builds the gateway's HTTP app. Never listens: `main.ts` does, and tests use `inject()` or `listen({ port: 0 })`.
 * The order is the order of the checks a request meets: CORS, identity, rate limit, API key, body, schema.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // pino's Logger is a FastifyBaseLogger; typed as one, the app's type stays the plain FastifyInstance.
  const logger: FastifyBaseLogger = deps.logger.child({ component: 'http' });
  const app = Fastify({
    loggerInstance: logger,
    // Our own REQUEST/RESPONSE lines replace Fastify's (see http/request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    trustProxy: fastifyTrustProxy(deps.trustProxy),
    return503OnClosing: true,
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    frameworkErrors: frameworkErrorHandler(ERROR_MAPPING),
    clientErrorHandler: handleClientError,
  });
  const keys = new ApiKeyRing(deps.apiKeys);
  if (!keys.configured) {
    logger.warn(
      { category: 'WARNING' },
      'GATEWAY_API_KEYS is empty: the runner routes answer 401 until at least one key is configured',
    );
  }

  const metrics = deps.metrics ?? new GatewayMetrics();
  const forwarder = deps.forwarder ?? createForwarder(deps, metrics);
  if (!deps.forwarder) app.addHook('onClose', async () => forwarder.close());
  if (!deps.webhookSecret) {
    logger.warn(
      { category: 'WARNING' },
      'GITHUB_WEBHOOK_SECRET is empty: POST /webhooks/github answers 503 until it is configured',
    );
  }

  registerJsonBody(app);
  registerRequestLog(app);
  registerHttpMetrics(app, metrics);
  await registerCors(app, deps.corsOrigins);
  registerClientIdentity(app, keys);
  const now = deps.now ?? Date.now;
  await registerRateLimit(app, deps.rateLimit, now);
  registerErrorHandler(app, ERROR_MAPPING);

  const health = new OrchestratorHealthView({ orchestrator: deps.orchestrator, now, ...deps.health });
  await app.register(healthRoutes, {
    orchestrator: health,
    version: deps.version,
    startedAt: now(),
    now,
    rateLimit: healthRateLimit(deps.rateLimit),
  });
  await app.register(runnerRoutes, { orchestrator: deps.orchestrator });
  const streams = gatewayEventStreams();
  await app.register(activityRoutes, { orchestrator: deps.orchestrator, streams });
  // Open event streams end first, with a last event saying why: the server's close would wait for them forever.
  app.addHook('preClose', async () => streams.closeAll('bye', { type: 'bye', reason: 'shutdown' }));
  await app.register(webhookRoutes, { secret: deps.webhookSecret ?? null, forwarder, metrics, now });
  await app.register(metricsRoutes, { metrics });
  await app.register(docsRoutes, { document: buildOpenApiDocument({ version: deps.version }) });
  await app.register(uiRoutes);
  return app;
}
