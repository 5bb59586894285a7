import rateLimit from '@fastify/rate-limit';
import { AppError } from '@gha-ephemeral/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** `RATE_LIMIT_MAX` requests per `RATE_LIMIT_WINDOW` per client. */
export interface RateLimitSettings {
  max: number;
  windowSeconds: number;
}

/**
 * The bucket of a request: its API key when it presented a valid one (a team behind one NAT keeps its own
 * allowance per key), else its address. An invalid key falls back to the address, so inventing keys does not
 * buy fresh buckets. The address is `request.ip`, which honours `TRUST_PROXY`.
 */
export function rateLimitKey(request: FastifyRequest): string {
  return request.client.kind === 'key' ? request.client.keyId : `ip-${request.ip}`;
}

/**
 * Registers @fastify/rate-limit for every route registered after it (routes opt out with
 * `config: { rateLimit: false }`, as `/health` does). Over the limit: 429 `rate_limit.exceeded` with
 * `Retry-After` in seconds and the `x-ratelimit-*` headers.
 */
export async function registerRateLimit(app: FastifyInstance, settings: RateLimitSettings): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: settings.max,
    timeWindow: settings.windowSeconds * 1000,
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, context) => {
      const retryAfterSeconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new AppError(
        'rate_limit.exceeded',
        `Too many requests: at most ${context.max} per ${settings.windowSeconds} s; retry in ${retryAfterSeconds} s`,
        { details: { limit: context.max, windowSeconds: settings.windowSeconds, retryAfterSeconds } },
      );
    },
  });
}
