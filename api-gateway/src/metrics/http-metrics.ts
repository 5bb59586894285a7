import { isAppError } from '@gha-ephemeral/contract';
import type { FastifyInstance } from 'fastify';
import type { GatewayMetrics } from './gateway-metrics.js';

/**
 * Counts every answered request by method, route pattern (`/api/v1/runners/:id`, never the id itself; `unmatched`
 * for a 404 without a route) and status, with its duration; and every failure to reach the orchestrator by code.
 */
export function registerHttpMetrics(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.addHook('onError', async (_request, _reply, error) => {
    if (isAppError(error) && error.code.startsWith('upstream.'))
      metrics.upstreamErrors.inc({ code: error.code });
  });
}
