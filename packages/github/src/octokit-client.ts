import { createHash } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import type Bottleneck from 'bottleneck';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Clock } from './clock/clock.js';
import { installationAuthStrategy, type GitHubAppAuth } from './app-auth/installation-auth.js';
import {
  conditionalRequests,
  type ConditionalRequestOptions,
  type ConditionalRequests,
} from './conditional/conditional-requests.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, deadlineFetch } from './deadline/deadline-fetch.js';
import type { LoggerLike } from './logger.js';
import { countRequestOutcomes, type GitHubRequestStats } from './metrics/request-outcomes.js';
import { guardRateLimits, observeRateLimits } from './rate-limit/rate-limit-plugins.js';
import type { RateLimitState } from './rate-limit/rate-limit-state.js';
import { createWriteLimiter, DEFAULT_WRITE_BURST } from './rate-limit/write-limiter.js';

/** The REST API version this client is written against; sent on every request. */
export const GITHUB_API_VERSION = '2022-11-28';

/** What this package's plugins add to an Octokit instance. */
export interface GitHubClientExtensions {
  /** The client's view of GitHub's rate limit, read from every answer. */
  readonly rateLimit: RateLimitState;
  /** Counters of conditional GETs (304s and 200s). */
  readonly conditionalRequests: ConditionalRequests;
  /** Request attempts by outcome since the client was made. */
  requestOutcomes(): GitHubRequestStats;
}

/**
 * An Octokit with this package's plugins: conditional GETs, rate-limit tracking and guarding, throttling, and
 * retries.
 */
export type GitHubOctokit = Octokit & GitHubClientExtensions;

// Hooks run innermost first in registration order: the counters and observers see every raw attempt (and turn 304s into
// answers) before throttling and retry act on it; the guard, outermost, sees only what they gave up on.
const ThrottledOctokit: new (options: ConstructorParameters<typeof Octokit>[0]) => GitHubOctokit =
  Octokit.plugin(
    countRequestOutcomes,
    observeRateLimits,
    conditionalRequests,
    throttling,
    retry,
    guardRateLimits,
  );

export interface OctokitClientOptions {
  /** REST base, e.g. `https://api.github.com` or `https://HOST/api/v3`. */
  baseUrl: string;
  /** A token (classic or fine-grained), or GitHub App credentials: the client then acts as the installation. */
  auth: string | GitHubAppAuth;
  userAgent: string;
  logger: LoggerLike;
  /** Longest wait, in seconds, for a rate limit to lift before a request fails instead (default 60). */
  maxRateLimitWaitSeconds?: number;
  /**
   * Writes (POST, PATCH, PUT, DELETE) let through back to back before they are spaced one second apart (default
   * 50); see {@link createWriteLimiter}.
   */
  writeBurst?: number;
  /**
   * Deadline of one attempt, answer body included (default 20 s). With the retries, one call is bounded by about
   * `(retries + 1) × requestTimeoutMs` plus the retry plugin's short waits and any rate-limit wait.
   */
  requestTimeoutMs?: number;
  /**
   * The throttling plugin's bucket id. Its limiters are shared by every client of a process with the same id (at
   * most 10 requests at once for all of them): a client whose calls must not wait behind another's (removals
   * behind creations) takes an id of its own. Default `gha-ephemeral`.
   */
  throttleId?: string;
  /**
   * Another client whose credentials this one uses (its token, or its App installation tokens and their cache):
   * two clients of one process then mint one installation token, not two. `auth` still names the credential.
   */
  authFrom?: { auth: unknown };
  /** Retries of 5xx and network errors (default 2). */
  retries?: number;
  /**
   * Conditional GETs (on by default). `identity` defaults to a hash of the token; set it for other
   * credentials (e.g. `app:ID:installation:ID`).
   */
  conditionalRequests?: ConditionalRequestOptions;
  /**
   * The clock of the client's own waits: the write schedule and the rate-limit guard (default: the real clock).
   * Tests pass one they drive. The throttling and retry plugins keep real timers.
   */
  clock?: Clock;
}

/** A stable, non-secret name for a credential: part of the conditional-request cache keys. */
export function credentialIdentity(token: string): string {
  return `token:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}

/**
 * The conditional-request identity of App credentials: `app:ID:installation:ID`, or, while the installation is
 * still to be found, where it will be found (`org:NAME`, or `sole`).
 */
export function appCredentialIdentity(auth: GitHubAppAuth): string {
  const installation =
    auth.installationId ??
    (auth.organizations?.[0] === undefined ? 'sole' : `org:${auth.organizations[0].toLowerCase()}`);
  return `app:${auth.appId}:installation:${installation}`;
}

/**
 * Builds the Octokit every GitHub call goes through: API version header, conditional GETs (`ETag` /
 * `If-None-Match`; a 304 costs no rate limit), rate-limit tracking with one ⚠️ WARNING per limited period,
 * throttling (GitHub's primary and secondary rate limits, waits of at most `maxRateLimitWaitSeconds`; a longer
 * one fails at once with `github.rate_limited`; writes in bursts of `writeBurst`, then one a second), and retries of 5xx and network failures (never of 429s: those
 * are rate limits).
 */
export function createOctokit(options: OctokitClientOptions): GitHubOctokit {
  const maxWait = options.maxRateLimitWaitSeconds ?? 60;
  const log = options.logger;
  // Octokit logs through this; its debug lines hold request URLs but never headers.
  const octokitLog = {
    debug: (message: string) => log.debug({ component: 'octokit' }, message),
    info: (message: string) => log.debug({ component: 'octokit' }, message),
    warn: (message: string) => log.warn({ component: 'octokit' }, message),
    // Octokit's request log reports every non-2xx here, expected ones too (304s, the 404 of an idempotent
    // delete); the errors that matter reach the caller as AppErrors, so this stays at debug.
    error: (message: string) => log.debug({ component: 'octokit' }, message),
  };
  const onLimit =
    (kind: 'primary' | 'secondary') =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const willRetry = retryCount < 1 && retryAfter <= maxWait;
      // The ⚠️ WARNING comes from the RateLimitState, once per limited period; this is the per-request detail.
      log.debug(
        {
          kind,
          retryAfterSeconds: retryAfter,
          method: request.method,
          url: request.url,
          willRetry,
        },
        `GitHub ${kind} rate limit met by a request`,
      );
      return willRetry;
    };
  const app = typeof options.auth === 'string' ? null : options.auth;
  const octokit = new ThrottledOctokit({
    baseUrl: options.baseUrl,
    ...(options.authFrom !== undefined
      ? { authStrategy: () => options.authFrom?.auth }
      : app === null
        ? { auth: options.auth }
        : { authStrategy: installationAuthStrategy, auth: app }),
    userAgent: options.userAgent,
    log: octokitLog,
    request: { fetch: deadlineFetch(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) },
    throttle: {
      id: options.throttleId ?? 'gha-ephemeral',
      // The plugin types this as a Bottleneck group but only calls `key(id).schedule(options, job)` on it.
      write: createWriteLimiter(
        options.writeBurst ?? DEFAULT_WRITE_BURST,
        options.clock,
      ) as unknown as Bottleneck.Group,
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
    // 429 is a rate limit: the throttling plugin decides whether to wait, the retry plugin must not hammer on.
    retry: { retries: options.retries ?? 2, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    conditionalRequests: {
      identity: app === null ? credentialIdentity(options.auth as string) : appCredentialIdentity(app),
      ...options.conditionalRequests,
    },
    rateLimit: {
      logger: log,
      maxWaitSeconds: maxWait,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    },
  });
  // Octokit's constructor has no `headers` option (it drops one silently): the version goes on every request here.
  octokit.hook.before('request', (request) => {
    request.headers['x-github-api-version'] ??= GITHUB_API_VERSION;
  });
  return octokit;
}
