import type { RateLimitOptions } from '@fastify/rate-limit';
import type { Health } from '@gha-ephemeral/contract';
import type { FastifyPluginAsync } from 'fastify';
import type { OrchestratorHealthView } from '../upstream/orchestrator-health.js';

/** Options of {@link healthRoutes}. */
export interface HealthRoutesOptions {
  /** The shared, cached view of the orchestrator. */
  orchestrator: OrchestratorHealthView;
  version: string;
  /** When the gateway started (ms since the epoch). */
  startedAt: number;
  /** The clock (ms since the epoch). */
  now: () => number;
  /** `/health`'s own rate limit bucket (see `healthRateLimit`). */
  rateLimit: RateLimitOptions;
}

/**
 * `GET /health`: the gateway's own state and the orchestrator's, with versions. 200 `ok`; 200 `degraded` when the
 * orchestrator answers but reports a dependency (Docker, GitHub) down, since the gateway itself still works;
 * 503 `down` when the orchestrator cannot be reached. Answered from a view shared by every caller (see
 * {@link OrchestratorHealthView}), limited in a bucket of its own, never logged per request.
 */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, options) => {
  app.get('/health', { config: { rateLimit: options.rateLimit } }, async (_request, reply) => {
    const orchestrator = await options.orchestrator.read();
    const status = !orchestrator.reachable ? 'down' : orchestrator.health.status === 'ok' ? 'ok' : 'degraded';
    const body: Health = {
      status,
      service: 'api-gateway',
      version: options.version,
      uptimeSeconds: Math.round((options.now() - options.startedAt) / 1000),
      dependencies: { orchestrator: orchestrator.health },
    };
    return reply.status(status === 'down' ? 503 : 200).send(body);
  });
};
