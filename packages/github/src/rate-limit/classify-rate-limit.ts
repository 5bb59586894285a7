import { readRateLimitHeaders } from './read-headers.js';

/** GitHub's two kinds of limit: the hourly budget (primary) and the abuse guards (secondary). */
export type RateLimitKind = 'primary' | 'secondary';

/** A response that says a rate limit was hit, and what it says about when to come back. */
export interface RateLimitHit {
  kind: RateLimitKind;
  /** `retry-after`, when GitHub sent it. */
  retryAfterSeconds: number | null;
  /** When the primary window resets (epoch ms), when GitHub sent it. */
  resetAt: number | null;
}

interface ErrorWithResponse {
  status: number;
  message: string;
  response?: { headers?: Record<string, unknown>; data?: unknown };
}

function hasResponse(error: unknown): error is ErrorWithResponse & { response: object } {
  return (
    error instanceof Error &&
    typeof (error as { status?: unknown }).status === 'number' &&
    typeof (error as { response?: unknown }).response === 'object' &&
    (error as { response?: unknown }).response !== null
  );
}

function bodyMessage(error: ErrorWithResponse): string {
  const data = error.response?.data;
  if (data && typeof data === 'object' && 'message' in data && typeof data.message === 'string')
    return data.message;
  return error.message;
}

/**
 * Tells a rate-limit answer from any other 403/429, the way GitHub documents them: a primary limit has
 * `x-ratelimit-remaining: 0`; a secondary limit says "secondary rate limit" (older answers: "abuse"), or is a
 * 429, or carries `retry-after`. Any other error (a plain 403 for missing permissions included) is `null`.
 */
export function classifyRateLimitError(error: unknown, now = Date.now()): RateLimitHit | null {
  if (!hasResponse(error) || (error.status !== 403 && error.status !== 429)) return null;
  const headers = readRateLimitHeaders(error.response.headers, now);
  const message = bodyMessage(error);
  const hit = (kind: RateLimitKind): RateLimitHit => ({
    kind,
    retryAfterSeconds: headers.retryAfterSeconds,
    resetAt: headers.resetAt,
  });
  if (/secondary rate limit|abuse/i.test(message)) return hit('secondary');
  if (headers.remaining === 0) return hit('primary');
  if (error.status === 429 || headers.retryAfterSeconds !== null) return hit('secondary');
  if (/rate limit/i.test(message)) return hit('secondary');
  return null;
}
