import type { FastifyPluginAsync } from 'fastify';
import type { GatewayMetrics } from './gateway-metrics.js';

/** Options of {@link metricsRoutes}. */
export interface MetricsRoutesOptions {
  metrics: GatewayMetrics;
}

/**
 * `GET /metrics`: the Prometheus text format, without a key and outside the per-client rate limit (a scraper
 * comes every few seconds from one address). It shows counts by route, status and result only: nothing that
 * names a repository, a runner, a client or a secret.
 */
export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, { metrics }) => {
  app.get('/metrics', { config: { rateLimit: false } }, async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
};
