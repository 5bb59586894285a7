import type { Octokit } from '@octokit/core';
import type { Hooks, OctokitOptions } from '@octokit/core/types';
import { AppError } from '@gha-ephemeral/contract';
import { systemClock, type Clock } from '../clock/clock.js';
import type { LoggerLike } from '../logger.js';
import { requestTarget, type HookEndpoint } from '../conditional/request-target.js';
import { classifyRateLimitError, type RateLimitKind } from './classify-rate-limit.js';
import { RateLimitState } from './rate-limit-state.js';

/** Settings of the rate-limit plugins, passed as the Octokit option `rateLimit`. */
export interface RateLimitPluginOptions {
  logger?: LoggerLike;
  /**
   * A request made while a limit is in force waits for it to lift when that is at most this many seconds away,
   * and fails at once with `github.rate_limited` otherwise (default 60).
   */
  maxWaitSeconds?: number;
  /** The time the limits are read against and the guard's waits are made on (default: the real clock). */
  clock?: Clock;
}

type Response = Hooks['request']['Result'];
type Send = (endpoint: HookEndpoint) => Response | Promise<Response>;

function settingsOf(options: OctokitOptions): RateLimitPluginOptions {
  return (options['rateLimit'] ?? {}) as RateLimitPluginOptions;
}

function responseOf(error: unknown): { status: number; headers: Record<string, unknown> } | null {
  const e = error as { status?: unknown; response?: { headers?: unknown } } | null;
  if (typeof e?.status !== 'number' || typeof e.response?.headers !== 'object' || e.response.headers === null)
    return null;
  return { status: e.status, headers: e.response.headers as Record<string, unknown> };
}

/** `GET /rate_limit` costs nothing and is how health checks reach GitHub: it is never held back. */
function isExempt(path: string): boolean {
  return path === '/rate_limit';
}

/**
 * An Octokit plugin that reads `x-ratelimit-*` (and `retry-after`) on every answer, errors and 304s included,
 * into a per-client {@link RateLimitState} exposed as `octokit.rateLimit`. Register it first, so it sees each
 * attempt before the throttling and retry plugins act on it.
 */
export function observeRateLimits(octokit: Octokit, options: OctokitOptions): { rateLimit: RateLimitState } {
  const settings = settingsOf(options);
  const clock = settings.clock;
  const state = new RateLimitState({
    ...(settings.logger ? { logger: settings.logger } : {}),
    ...(clock ? { now: () => clock.now() } : {}),
  });
  octokit.hook.wrap('request', async (request: Send, endpoint) => {
    try {
      const response = await request(endpoint);
      state.observe(response.headers, response.status);
      return response;
    } catch (error) {
      const answer = responseOf(error);
      if (answer) state.observe(answer.headers, answer.status);
      const hit = classifyRateLimitError(error);
      if (hit) {
        const { method, path } = requestTarget(octokit, endpoint);
        state.recordLimited(hit, { method, url: path });
      }
      throw error;
    }
  });
  return { rateLimit: state };
}

function rateLimitedError(
  state: RateLimitState,
  now: number,
  what: string,
  cause: unknown,
  kind: RateLimitKind | null,
): AppError {
  const sent = cause !== undefined;
  const until = state.blockedUntil() ?? now + 1000;
  const retryAfterSeconds = Math.max(1, Math.ceil((until - now) / 1000));
  const retryAt = new Date(until).toISOString();
  const limit = kind === 'secondary' ? 'secondary rate limit' : 'rate limit';
  return new AppError(
    'github.rate_limited',
    `${sent ? 'GitHub refused' : 'Held back'} ${what}: GitHub's ${limit} is in force; retry after ${retryAfterSeconds} s (at ${retryAt})`,
    { cause, retryable: true, details: { retryAfterSeconds, retryAt, kind: kind ?? 'primary' } },
  );
}

/**
 * An Octokit plugin that keeps a limited client from hammering GitHub or hanging its callers: while
 * `octokit.rateLimit` says a limit is in force, a request waits for it when it lifts within `maxWaitSeconds`,
 * and otherwise fails at once, without reaching GitHub, with an `AppError` `github.rate_limited` (retryable,
 * `details.retryAfterSeconds`, `details.retryAt`). A rate-limit answer that the throttling plugin chose not to
 * wait for becomes the same error. Register it last (outermost), after {@link observeRateLimits}.
 */
export function guardRateLimits(octokit: Octokit, options: OctokitOptions): Record<string, never> {
  const settings = settingsOf(options);
  const maxWaitMs = (settings.maxWaitSeconds ?? 60) * 1000;
  const clock = settings.clock ?? systemClock;
  const now = () => clock.now();
  const state = (octokit as Octokit & { rateLimit?: unknown }).rateLimit;
  if (!(state instanceof RateLimitState)) {
    throw new Error('guardRateLimits needs observeRateLimits registered before it');
  }
  octokit.hook.wrap('request', async (request: Send, endpoint) => {
    const { method, path } = requestTarget(octokit, endpoint);
    const what = `${method} ${path}`;
    const blockedUntil = isExempt(path) ? null : state.blockedUntil();
    if (blockedUntil !== null) {
      const wait = blockedUntil - now();
      if (wait > maxWaitMs) throw rateLimitedError(state, now(), what, undefined, state.snapshot().limitedBy);
      await clock.sleep(wait, endpoint.request.signal ?? undefined);
    }
    try {
      return await request(endpoint);
    } catch (error) {
      const hit = classifyRateLimitError(error);
      if (hit) throw rateLimitedError(state, now(), what, error, hit.kind);
      throw error;
    }
  });
  return {};
}
