import type { FastifyInstance, FastifyRequest } from 'fastify';

// Probes and scrapes come every few seconds: a line each would drown the rest.
const isHealthCheck = (request: FastifyRequest): boolean => /^\/(?:health|metrics)(?:\?|$)/.test(request.url);

/**
 * One 🌐 REQUEST line (method, URL, client address) and one 📤 RESPONSE line (status, duration) per request, except
 * health checks and metrics scrapes (a probe every few seconds would drown the rest). Never a header: the logger's redaction is the
 * second line of defence, not the first.
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (isHealthCheck(request)) return;
    request.log.info(
      { category: 'REQUEST', method: request.method, url: request.url, client: request.ip },
      'request',
    );
  });
  app.addHook('onResponse', async (request, reply) => {
    if (isHealthCheck(request)) return;
    request.log.info(
      {
        category: 'RESPONSE',
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        ...(request.client?.kind === 'key' ? { keyId: request.client.keyId } : {}),
      },
      'response',
    );
  });
}
