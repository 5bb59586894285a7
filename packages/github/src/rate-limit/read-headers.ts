/** What GitHub's rate-limit headers on one response say; `null` for each header that is missing or unreadable. */
export interface RateLimitHeaders {
  /** `x-ratelimit-limit`: requests allowed in the current window. */
  limit: number | null;
  /** `x-ratelimit-remaining`. */
  remaining: number | null;
  /** `x-ratelimit-used`. */
  used: number | null;
  /** `x-ratelimit-reset`, converted from epoch seconds to epoch milliseconds. */
  resetAt: number | null;
  /** `x-ratelimit-resource` (`core`, `search`, `graphql` ...). */
  resource: string | null;
  /** `retry-after`, in seconds (GitHub sends seconds; an HTTP date is converted against `now`). */
  retryAfterSeconds: number | null;
}

type HeaderBag = Record<string, unknown> | undefined;

function header(headers: HeaderBag, name: string): string | null {
  const value = headers?.[name];
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number') return String(value);
  return null;
}

function count(headers: HeaderBag, name: string): number | null {
  const text = header(headers, name);
  if (text === null) return null;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : null;
}

function retryAfter(headers: HeaderBag, now: number): number | null {
  const text = header(headers, 'retry-after');
  if (text === null) return null;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Reads the rate-limit headers of a response (Octokit lower-cases header names). */
export function readRateLimitHeaders(headers: HeaderBag, now = Date.now()): RateLimitHeaders {
  const reset = count(headers, 'x-ratelimit-reset');
  return {
    limit: count(headers, 'x-ratelimit-limit'),
    remaining: count(headers, 'x-ratelimit-remaining'),
    used: count(headers, 'x-ratelimit-used'),
    resetAt: reset === null ? null : reset * 1000,
    resource: header(headers, 'x-ratelimit-resource'),
    retryAfterSeconds: retryAfter(headers, now),
  };
}
