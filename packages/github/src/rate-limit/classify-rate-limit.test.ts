import { RequestError } from '@octokit/request-error';
import { describe, expect, it } from 'vitest';
import { classifyRateLimitError } from './classify-rate-limit.js';

const now = 1_700_000_000_000;

function answer(status: number, message: string, headers: Record<string, string> = {}): RequestError {
  return new RequestError(message, status, {
    request: { method: 'GET', url: 'https://api.github.com/x', headers: {} },
    response: { status, url: 'https://api.github.com/x', headers, data: { message } },
  });
}

describe('classifyRateLimitError', () => {
  it('reads a primary limit (remaining 0) with its reset', () => {
    const error = answer(403, 'API rate limit exceeded for user ID 1.', {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(now / 1000 + 600),
    });
    expect(classifyRateLimitError(error, now)).toEqual({
      kind: 'primary',
      retryAfterSeconds: null,
      resetAt: now + 600_000,
    });
  });

  it('reads a secondary limit by its message, with retry-after', () => {
    const error = answer(403, 'You have exceeded a secondary rate limit. Please wait.', {
      'retry-after': '30',
    });
    expect(classifyRateLimitError(error, now)).toMatchObject({ kind: 'secondary', retryAfterSeconds: 30 });
  });

  it('reads a 429 without a message as secondary', () => {
    expect(classifyRateLimitError(answer(429, 'Too Many Requests'), now)?.kind).toBe('secondary');
  });

  it('reads an HTTP-date retry-after', () => {
    const error = answer(429, 'slow down', { 'retry-after': new Date(now + 45_000).toUTCString() });
    expect(classifyRateLimitError(error, now)?.retryAfterSeconds).toBe(45);
  });

  it('leaves a permission 403 alone', () => {
    const error = answer(403, 'Resource not accessible by integration', { 'x-ratelimit-remaining': '4999' });
    expect(classifyRateLimitError(error, now)).toBeNull();
  });

  it('leaves other errors alone', () => {
    expect(classifyRateLimitError(answer(500, 'boom'), now)).toBeNull();
    expect(classifyRateLimitError(new Error('network'), now)).toBeNull();
    expect(classifyRateLimitError('text', now)).toBeNull();
  });
});
