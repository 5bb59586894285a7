import type { FastifyPluginAsync } from 'fastify';
import type { HealthCheck } from '../health.js';

/** `GET /health`: 200 when Docker and GitHub answer, 503 otherwise (the body says which is down). */
export const healthRoutes: FastifyPluginAsync<{ health: HealthCheck }> = async (app, { health }) => {
  app.get('/health', async (_request, reply) => {
    const result = await health.check();
    return reply.status(result.status === 'ok' ? 200 : 503).send(result);
  });
};
