import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../app-context.js';
import type { SimToken } from '../state/types.js';
import type { SimApp } from '../apps/app-registry.js';
import { looksLikeJwt, verifyAppJwt } from '../apps/jwt.js';
import { DOCS, GitHubApiError } from './github-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API token a REST request authenticated with. */
    simToken: SimToken | undefined;
    /** The GitHub App whose JWT authenticated the request (routes with `auth: 'app'`). */
    simApp: SimApp | undefined;
    /** GitHub's request id for this request. */
    simRequestId: string;
    /** False when the answer must not count against the primary limit (faults, rate-limit answers). */
    simChargeable: boolean;
  }
  interface FastifyContextConfig {
    /** `documentation_url` for this route's errors. */
    docs?: string;
    /** `none` for routes that authenticate on their own (runner registration); `app` for App JWT routes. */
    auth?: 'none' | 'app';
  }
}

/** API versions the simulator answers; GitHub rejects others with 400. */
export const SUPPORTED_API_VERSIONS = ['2022-11-28', '2026-03-10'];
const DEFAULT_API_VERSION = '2022-11-28';
const RATE_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';
const SECONDARY_DOCS = `${RATE_DOCS}#about-secondary-rate-limits`;

const hex = (bytes: number): string => randomBytes(bytes).toString('hex').toUpperCase();

/** `GET /repos/{owner}/{repo}` from a Fastify route pattern, without the `/api/v3` prefix. */
export function routeKey(request: FastifyRequest): string {
  const url = request.routeOptions.url;
  if (!url) return `${request.method} (unmatched)`;
  const path = url
    .replace(/^\/api\/v3(?=\/|$)/, '')
    .replace(/:(\w+)/g, '{$1}')
    .replace(/\*$/, '{path}');
  return `${request.method} ${path || '/'}`;
}

function requestPath(request: FastifyRequest): string {
  return (request.url.split('?')[0] ?? '/').replace(/^\/api\/v3(?=\/|$)/, '') || '/';
}

/** Rolls the token's hourly window forward when it has passed. */
export function currentRate(token: SimToken, now = Date.now()): SimToken['rate'] {
  if (now >= token.rate.resetAt) {
    token.rate.used = 0;
    token.rate.resetAt = now + 3_600_000;
  }
  return token.rate;
}

function setRateHeaders(reply: FastifyReply, limit: number, used: number, resetAt: number): void {
  void reply.headers({
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(0, limit - used)),
    'x-ratelimit-used': String(used),
    'x-ratelimit-reset': String(Math.ceil(resetAt / 1000)),
    'x-ratelimit-resource': 'core',
  });
}

function readToken(ctx: SimContext, request: FastifyRequest): SimToken {
  const header = request.headers.authorization;
  if (!header) throw new GitHubApiError(401, 'Requires authentication');
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
  const token = match?.[1] ? ctx.store.tokens.get(match[1]) : undefined;
  const expired = token?.expiresAt !== undefined && token.expiresAt <= Date.now();
  if (token?.minted) token.minted[expired ? 'refusedExpired' : 'accepted'] += 1;
  // GitHub refuses credentials before routing: this body never names the route's documentation.
  if (!token || expired) throw new GitHubApiError(401, 'Bad credentials', { documentationUrl: DOCS });
  return token;
}

function readApp(ctx: SimContext, request: FastifyRequest): SimApp {
  const header = request.headers.authorization;
  if (!header) throw new GitHubApiError(401, 'Requires authentication');
  const jwt = /^bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (!jwt || !looksLikeJwt(jwt)) throw new GitHubApiError(401, 'A JSON web token could not be decoded');
  return verifyAppJwt(ctx.apps, jwt);
}

/** Applies the first matching faults; returns true when the connection was dropped (the request is over). */
async function applyFaults(
  ctx: SimContext,
  request: FastifyRequest,
  reply: FastifyReply,
  token: SimToken | undefined,
): Promise<boolean> {
  const path = requestPath(request);
  const route = routeKey(request).slice(request.method.length + 1);
  const delay = ctx.faults.take(['delay'], request.method, path, route);
  if (delay?.kind === 'delay') await sleep(delay.ms);
  const fault = ctx.faults.take(
    ['error', 'reset', 'primary-rate-limit', 'secondary-rate-limit'],
    request.method,
    path,
    route,
  );
  if (!fault || fault.kind === 'delay') return false;
  request.simChargeable = false;
  if (fault.kind === 'reset') {
    reply.hijack();
    request.raw.socket.destroy();
    return true;
  }
  if (fault.kind === 'error') {
    throw new GitHubApiError(fault.status ?? 502, fault.message ?? 'Server Error');
  }
  if (fault.kind === 'primary-rate-limit') {
    const resetAt = Date.now() + (fault.resetInSeconds ?? 60) * 1000;
    const limit = token?.rate.limit ?? 5000;
    throw primaryExceeded(ctx, request, token, limit, resetAt);
  }
  const retryAfter = fault.retryAfterSeconds === undefined ? 60 : fault.retryAfterSeconds;
  throw new GitHubApiError(
    fault.status ?? 403,
    `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${request.simRequestId}.`,
    {
      documentationUrl: SECONDARY_DOCS,
      ...(retryAfter === null ? {} : { headers: { 'retry-after': String(retryAfter) } }),
    },
  );
}

function primaryExceeded(
  ctx: SimContext,
  request: FastifyRequest,
  token: SimToken | undefined,
  limit: number,
  resetAt: number,
): GitHubApiError {
  const who = token?.installation ? 'installation' : 'user';
  const id = token ? (ctx.store.account(token.installation?.account ?? token.login)?.id ?? 0) : 0;
  return new GitHubApiError(
    403,
    `API rate limit exceeded for ${who} ID ${id}. If you reach out to GitHub Support for help, please include the request ID ${request.simRequestId}.`,
    {
      documentationUrl: RATE_DOCS,
      headers: {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': String(limit),
        'x-ratelimit-reset': String(Math.ceil(resetAt / 1000)),
        'x-ratelimit-resource': 'core',
      },
    },
  );
}

function weakEtag(payload: string): string {
  return `W/"${createHash('sha256').update(payload).digest('hex')}"`;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === bare);
}

/**
 * The hooks every REST route shares: request id, API version, counting, faults, authentication, the
 * primary rate limit, ETags with 304s that cost nothing, and GitHub's response headers.
 */
export function installRestHooks(app: FastifyInstance, ctx: SimContext): void {
  app.addHook('onRequest', async (request, reply) => {
    request.simRequestId = `${hex(2)}:${hex(2)}:${hex(4).slice(1)}:${hex(4).slice(1)}:${hex(4)}`;
    request.simChargeable = true;
    request.simToken = undefined;
    request.simApp = undefined;
    const version = request.headers['x-github-api-version'];
    const versionText = typeof version === 'string' ? version : undefined;
    ctx.counter.addVersion(versionText ?? 'none');
    const route = routeKey(request);
    ctx.counter.add(route, 'total');
    if (request.headers['if-none-match']) ctx.counter.add(route, 'conditional');
    void reply.headers({
      'x-github-request-id': request.simRequestId,
      'x-github-api-version-selected': versionText ?? DEFAULT_API_VERSION,
      'x-github-media-type': 'github.v3; format=json',
    });
    if (versionText && !SUPPORTED_API_VERSIONS.includes(versionText)) {
      request.simChargeable = false;
      throw new GitHubApiError(400, `Unsupported 'X-GitHub-Api-Version': ${versionText}`);
    }
    const mode =
      request.routeOptions.url === undefined ? 'none' : (request.routeOptions.config.auth ?? 'token');
    if (mode === 'app') request.simApp = readApp(ctx, request);
    const token = mode === 'token' ? readToken(ctx, request) : request.simApp?.jwtToken;
    request.simToken = token;
    if (await applyFaults(ctx, request, reply, token)) return;
    if (token) {
      if (token.scopes) void reply.header('x-oauth-scopes', token.scopes.join(', '));
      const rate = currentRate(token);
      if (rate.used >= rate.limit && !request.url.includes('/rate_limit')) {
        request.simChargeable = false;
        throw primaryExceeded(ctx, request, token, rate.limit, rate.resetAt);
      }
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    let body = payload;
    const token = request.simToken;
    if (request.method === 'GET' && reply.statusCode === 200 && typeof payload === 'string') {
      const etag = weakEtag(payload);
      void reply.headers({
        etag,
        'cache-control': 'private, max-age=60, s-maxage=60',
        vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
      });
      if (etagMatches(request.headers['if-none-match'], etag)) {
        void reply.code(304);
        reply.removeHeader('content-type');
        body = '';
        ctx.counter.add(routeKey(request), 'notModified');
      }
    }
    const free = reply.statusCode === 304 || reply.statusCode >= 500 || request.url.includes('/rate_limit');
    if (token && request.simChargeable && !free) {
      currentRate(token).used += 1;
      ctx.counter.add(routeKey(request), 'charged');
    }
    if (!reply.hasHeader('x-ratelimit-limit')) {
      if (token) setRateHeaders(reply, token.rate.limit, token.rate.used, token.rate.resetAt);
      else setRateHeaders(reply, 60, 0, Date.now() + 3_600_000);
    }
    return body;
  });
}
