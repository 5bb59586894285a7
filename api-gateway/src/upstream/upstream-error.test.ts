import { describe, expect, it } from 'vitest';
import { toUpstreamError } from './upstream-error.js';

const context = { origin: 'http://orchestrator:8000', timeoutMs: 10_000 };
const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('toUpstreamError', () => {
  it.each([
    [withCode('ECONNREFUSED'), 'upstream.unavailable', 503],
    [withCode('ENOTFOUND'), 'upstream.unavailable', 503],
    [
      Object.assign(new Error('fetch failed'), { cause: withCode('EHOSTUNREACH') }),
      'upstream.unavailable',
      503,
    ],
    [new AggregateError([withCode('ECONNREFUSED')]), 'upstream.unavailable', 503],
    [withCode('UND_ERR_CONNECT_TIMEOUT'), 'upstream.timeout', 504],
    [withCode('UND_ERR_HEADERS_TIMEOUT'), 'upstream.timeout', 504],
    [
      Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
      'upstream.timeout',
      504,
    ],
    [withCode('HPE_INVALID_CONSTANT'), 'upstream.bad_response', 502],
    [withCode('UND_ERR_SOCKET'), 'upstream.bad_response', 502],
    ['not even an error', 'upstream.bad_response', 502],
  ])('maps %s to %s', (error, code, status) => {
    const mapped = toUpstreamError(error, context);
    expect(mapped.code).toBe(code);
    expect(mapped.statusCode).toBe(status);
    expect(mapped.cause).toBe(error);
  });

  it('says how long it waited and what to check after a timeout', () => {
    expect(toUpstreamError(withCode('UND_ERR_HEADERS_TIMEOUT'), context).message).toMatch(
      /within 10 s.*GET \/api\/v1\/runners/,
    );
  });
});
