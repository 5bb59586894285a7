import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { CorsOrigins } from '../config-fields.js';

/**
 * Cross-origin browser access from `CORS_ORIGINS`. A refused origin gets no `Access-Control-Allow-*` header, which
 * is how a browser learns it may not call; the request itself still works for non-browser clients, since CORS
 * protects browsers' users, not the API (the API key does that).
 */
export async function registerCors(app: FastifyInstance, origins: CorsOrigins): Promise<void> {
  const allowed = origins === '*' ? null : new Set(origins);
  await app.register(cors, {
    origin:
      allowed === null
        ? '*'
        : (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'HEAD', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: ['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
    maxAge: 600,
  });
}
