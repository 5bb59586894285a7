import type { Octokit } from '@octokit/core';
import type { Hooks, OctokitOptions } from '@octokit/core/types';
import { EtagCache, type CachedResponse, type ConditionalRequestStats } from './etag-cache.js';
import { requestHeader, requestTarget, type HookEndpoint } from './request-target.js';

/** Settings of {@link conditionalRequests}, passed as the Octokit option `conditionalRequests`. */
export interface ConditionalRequestOptions {
  /** Default true. */
  enabled?: boolean;
  /** Most responses kept (least recently used evicted first); default 10,000. */
  maxEntries?: number;
  /**
   * Who the client authenticates as, part of every cache key (never the secret itself: a hash or an App
   * installation id). Default `default`.
   */
  identity?: string;
}

/** What the plugin adds to an Octokit instance. */
export interface ConditionalRequests {
  /** Counters of 304s and 200s since the client was made. */
  stats(): ConditionalRequestStats;
}

type Response = Hooks['request']['Result'];

function statusOf(error: unknown): number | null {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : null;
}

function headersOf(error: unknown): Record<string, unknown> {
  const headers = (error as { response?: { headers?: unknown } } | null)?.response?.headers;
  return headers !== null && typeof headers === 'object' ? (headers as Record<string, unknown>) : {};
}

function stringHeaders(
  headers: Record<string, unknown>,
  skip: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (skip.includes(name)) continue;
    if (typeof value === 'string') out[name] = value;
    else if (typeof value === 'number') out[name] = String(value);
  }
  return out;
}

function cloneBody(data: unknown): { ok: true; data: unknown } | { ok: false } {
  try {
    return { ok: true, data: structuredClone(data) };
  } catch {
    // A streamed body (parseSuccessResponseBody: false) cannot be replayed.
    return { ok: false };
  }
}

function readSettings(options: OctokitOptions): Required<ConditionalRequestOptions> {
  const given = (options['conditionalRequests'] ?? {}) as ConditionalRequestOptions;
  return {
    enabled: given.enabled ?? true,
    maxEntries: given.maxEntries ?? 10_000,
    identity: given.identity ?? 'default',
  };
}

/**
 * An Octokit plugin that makes every GET conditional: it remembers each answer's `ETag` (per credential
 * identity, method, full URL with its query, and `Accept`), sends it back as `If-None-Match`, and answers a 304
 * with the remembered body and headers (`Link` included, so `paginate` and page loops go on), merged with the
 * 304's fresh rate-limit headers. GitHub does not count a 304 against the primary rate limit. Every page of a
 * listing is its own entry. `GET /rate_limit` (free anyway) and requests that set `If-None-Match` themselves
 * are left alone. Each call returns its own copy of a remembered body, so callers may mutate it.
 *
 * Register it before the throttling and retry plugins, so they never see a 304.
 */
export function conditionalRequests(
  octokit: Octokit,
  options: OctokitOptions,
): { conditionalRequests: ConditionalRequests } {
  const settings = readSettings(options);
  const cache = new EtagCache(settings.maxEntries);

  const remember = (key: string, response: Response): void => {
    const etag = response.headers.etag;
    if (response.status !== 200) return;
    const copy = typeof etag === 'string' && etag !== '' ? cloneBody(response.data) : { ok: false as const };
    if (!copy.ok || typeof etag !== 'string') {
      cache.delete(key);
      cache.count('uncacheable');
      return;
    }
    const entry: CachedResponse = {
      etag,
      url: response.url,
      headers: stringHeaders(response.headers),
      data: copy.data,
    };
    cache.set(key, entry);
    cache.count('modified');
  };

  const replay = (entry: CachedResponse, fresh: Record<string, unknown>): Response => ({
    status: 200,
    url: entry.url,
    headers: { ...entry.headers, ...stringHeaders(fresh, ['content-length', 'content-type']) },
    data: structuredClone(entry.data),
  });

  // Hooks share one options object (before-after-hook ignores what a wrap passes inward), so the header is set on
  // it; a retry comes back with the same object, and this set tells our header from one the caller chose.
  const ours = new WeakSet<HookEndpoint>();

  const send = async (
    request: (endpoint: HookEndpoint) => Response | Promise<Response>,
    endpoint: HookEndpoint,
  ): Promise<Response> => {
    const target = requestTarget(octokit, endpoint);
    if (ours.has(endpoint)) delete endpoint.headers['if-none-match'];
    if (
      target.method !== 'GET' ||
      target.path === '/rate_limit' ||
      requestHeader(endpoint, 'if-none-match') !== undefined
    ) {
      return request(endpoint);
    }
    const key = `${settings.identity} GET ${target.url} accept=${requestHeader(endpoint, 'accept') ?? ''}`;
    const cached = cache.get(key);
    if (cached !== undefined) {
      cache.count('conditional');
      endpoint.headers['if-none-match'] = cached.etag;
      ours.add(endpoint);
    }
    try {
      const response = await request(endpoint);
      remember(key, response);
      return response;
    } catch (error) {
      const status = statusOf(error);
      if (status === 304 && cached !== undefined) {
        cache.count('notModified');
        return replay(cached, headersOf(error));
      }
      if (status === 404 || status === 410) cache.delete(key);
      throw error;
    }
  };

  if (settings.enabled) octokit.hook.wrap('request', send);
  return { conditionalRequests: { stats: () => cache.stats() } };
}
