import { AppError } from '@gha-ephemeral/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyRing, ClientIdentity } from './api-key-ring.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request (set for every request before rate limiting, so the limit can key on the API key). */
    client: ClientIdentity;
  }
}

const NOT_CONFIGURED_MESSAGE =
  'This gateway has no API key configured, so the runner routes are closed: set GATEWAY_API_KEYS (or ' +
  'GATEWAY_API_KEYS_FILE) to a comma-separated list of keys, restart the gateway, and send one as ' +
  '"Authorization: Bearer <key>"';

/**
 * Identifies every request's client from its `Authorization` header. It never refuses anything itself: the rate
 * limiter runs next (keyed on the identity) so that failed attempts are limited too, then {@link requireApiKey}.
 */
export function registerClientIdentity(app: FastifyInstance, keys: ApiKeyRing): void {
  // Fastify wants null (not an object) as the initial value of a request decorator; the hook sets it at once.
  app.decorateRequest<ClientIdentity, 'client'>('client', null as unknown as ClientIdentity);
  app.addHook('onRequest', async (request) => {
    request.client = keys.identify(request.headers.authorization);
  });
}

/** The error a client gets for an identity that is not a configured key, or null when it is one. */
export function authError(client: ClientIdentity): AppError | null {
  switch (client.kind) {
    case 'key':
      return null;
    case 'not_configured':
      return new AppError('auth.not_configured', NOT_CONFIGURED_MESSAGE);
    case 'missing':
      return new AppError('auth.missing', 'This route needs an API key: send "Authorization: Bearer <key>"');
    case 'malformed':
      return new AppError('auth.invalid', 'Use the Bearer scheme: "Authorization: Bearer <key>"');
    case 'invalid':
      return new AppError('auth.invalid', 'The API key is not valid');
  }
}

/**
 * A hook for routes that need an API key. It runs at `preParsing`: after the rate limiter (an `onRequest` hook)
 * and before the body is read, so an unauthenticated client is refused without the gateway parsing its body.
 */
export async function requireApiKey(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const error = authError(request.client);
  if (error === null) return;
  void reply.header('www-authenticate', 'Bearer realm="gha-ephemeral"');
  throw error;
}
