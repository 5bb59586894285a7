import type { FastifyInstance, FastifyRequest } from 'fastify';

// Probes and scrapes come every few seconds: a line each would drown the rest.
const isHealthCheck = (request: FastifyRequest): boolean => /^\/(?:health|metrics)(?:\?|$)/.test(request.url);

/**
 * One 📤 RESPONSE line per request at INFO (method, URL, client address, status, duration), and a 🌐 REQUEST line
 * when it arrives at DEBUG (to see a request that never ends), except health checks and metrics scrapes (a probe
 * every few seconds would drown the rest). One line, not two, at INFO: a log line (serialized, redacted twice,
 * written) was the largest cost of a proxied request in the gateway's profile. Never a header: the logger's
 * redaction is the second line of defence, not the first.
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (isHealthCheck(request)) return;
    request.log.debug(
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
        client: request.ip,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        ...(request.client?.kind === 'key' ? { keyId: request.client.keyId } : {}),
      },
      'response',
    );
  });
}
