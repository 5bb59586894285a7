import type { FastifyPluginAsync } from 'fastify';
import type { OrchestratorMetrics } from './orchestrator-metrics.js';

/**
 * `GET /metrics`: the Prometheus text format, without the API token (like `/health`). The orchestrator listens on
 * the internal network only; its metrics hold counts and states, never a repository, a runner name or a secret.
 */
export const metricsRoutes: FastifyPluginAsync<{ metrics: OrchestratorMetrics }> = async (
  app,
  { metrics },
) => {
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
};
