import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import { AppError } from '@gha-ephemeral/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { addressBucket } from './address-bucket.js';
import { rateLimitStore } from './rate-limit-store.js';

/** `RATE_LIMIT_MAX` requests per `RATE_LIMIT_WINDOW` per client, and `/health`'s own allowance. */
export interface RateLimitSettings {
  max: number;
  windowSeconds: number;
  /** `RATE_LIMIT_HEALTH_MAX`: `/health` requests per minute per client, in a bucket of their own. Default 600. */
  healthMax?: number;
}

/** Default `/health` allowance per client and minute: ten a second, far above any probe, and cheap to answer. */
export const DEFAULT_HEALTH_MAX = 600;

/** The window of `/health`'s own bucket. */
const HEALTH_WINDOW_SECONDS = 60;

/**
 * The bucket of a request: its API key when it presented a valid one (a team behind one NAT keeps its own
 * allowance per key), else its address (an IPv6 client by its /64, see {@link addressBucket}). An invalid key
 * falls back to the address, so inventing keys does not buy fresh buckets. The address is `request.ip`, which
 * honours `TRUST_PROXY`.
 */
export function rateLimitKey(request: FastifyRequest): string {
  return request.client.kind === 'key' ? request.client.keyId : `ip-${addressBucket(request.ip)}`;
}

function refusal(windowSeconds: number): NonNullable<RateLimitOptions['errorResponseBuilder']> {
  return (_request, context) => {
    const retryAfterSeconds = Math.max(1, Math.ceil(context.ttl / 1000));
    return new AppError(
      'rate_limit.exceeded',
      `Too many requests: at most ${context.max} per ${windowSeconds} s; retry in ${retryAfterSeconds} s`,
      { details: { limit: context.max, windowSeconds, retryAfterSeconds } },
    );
  };
}

/**
 * `/health`'s route rate limit: a bucket of its own per client (`health:` + {@link rateLimitKey}), so a flood of
 * health checks neither spends the client's API allowance nor is spent by it, and a probe behind a busy client
 * keeps working.
 */
export function healthRateLimit(settings: RateLimitSettings): RateLimitOptions {
  return {
    max: settings.healthMax ?? DEFAULT_HEALTH_MAX,
    timeWindow: HEALTH_WINDOW_SECONDS * 1000,
    keyGenerator: (request) => `health:${rateLimitKey(request)}`,
    errorResponseBuilder: refusal(HEALTH_WINDOW_SECONDS),
  };
}

/**
 * Registers @fastify/rate-limit for every route registered after it (routes opt out with
 * `config: { rateLimit: false }`, or bring their own bucket as `/health` does). Over the limit: 429
 * `rate_limit.exceeded` with `Retry-After` in seconds and the `x-ratelimit-*` headers. The windows run on `now`
 * (default `Date.now`).
 */
export async function registerRateLimit(
  app: FastifyInstance,
  settings: RateLimitSettings,
  now: () => number = Date.now,
): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    store: rateLimitStore(now),
    max: settings.max,
    timeWindow: settings.windowSeconds * 1000,
    keyGenerator: rateLimitKey,
    errorResponseBuilder: refusal(settings.windowSeconds),
  });
}
