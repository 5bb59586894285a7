import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { LoggerLike } from './logger.js';

/** The REST API version this client is written against; sent on every request. */
export const GITHUB_API_VERSION = '2022-11-28';

const ThrottledOctokit = Octokit.plugin(throttling, retry);
/** An Octokit with the throttling and retry plugins (typed as the plain REST client: the plugins add no methods we call). */
export type GitHubOctokit = Octokit;

export interface OctokitClientOptions {
  /** REST base, e.g. `https://api.github.com` or `https://HOST/api/v3`. */
  baseUrl: string;
  /** A token, or an auth strategy's options (GitHub App) handled by the caller. */
  auth: string;
  userAgent: string;
  logger: LoggerLike;
  /** Longest wait, in seconds, for a rate limit to lift before a request fails instead (default 60). */
  maxRateLimitWaitSeconds?: number;
  /** Retries of 5xx and network errors (default 2). */
  retries?: number;
}

/**
 * Builds the Octokit every GitHub call goes through: API version header, throttling (GitHub's primary and
 * secondary rate limits, waits of at most `maxRateLimitWaitSeconds`), and retries of transient failures.
 */
export function createOctokit(options: OctokitClientOptions): GitHubOctokit {
  const maxWait = options.maxRateLimitWaitSeconds ?? 60;
  const log = options.logger;
  // Octokit logs through this; its debug lines hold request URLs but never headers.
  const octokitLog = {
    debug: (message: string) => log.debug({ component: 'octokit' }, message),
    info: (message: string) => log.debug({ component: 'octokit' }, message),
    warn: (message: string) => log.warn({ component: 'octokit' }, message),
    error: (message: string) => log.error({ component: 'octokit' }, message),
  };
  const onLimit =
    (kind: 'primary' | 'secondary') =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const willRetry = retryCount < 1 && retryAfter <= maxWait;
      log.warn(
        {
          category: 'WARNING',
          kind,
          retryAfterSeconds: retryAfter,
          method: request.method,
          url: request.url,
          willRetry,
        },
        `GitHub ${kind} rate limit reached`,
      );
      return willRetry;
    };
  return new ThrottledOctokit({
    baseUrl: options.baseUrl,
    auth: options.auth,
    userAgent: options.userAgent,
    log: octokitLog,
    headers: { 'x-github-api-version': GITHUB_API_VERSION },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
    retry: { retries: options.retries ?? 2 },
  });
}
