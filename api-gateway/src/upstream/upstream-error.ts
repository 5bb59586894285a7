import { AppError } from '@gha-ephemeral/contract';

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);
const TIMEOUTS = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/** The error codes of `error` and of the errors it wraps (Node puts the socket error in `cause`, or an AggregateError). */
function codesOf(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 4) return [];
  const own = (error as { code?: unknown }).code;
  const name = (error as { name?: unknown }).name;
  const nested = [
    ...codesOf((error as { cause?: unknown }).cause, depth + 1),
    ...((error as { errors?: unknown }).errors instanceof Array
      ? (error as { errors: unknown[] }).errors.flatMap((inner) => codesOf(inner, depth + 1))
      : []),
  ];
  return [
    ...(typeof own === 'string' ? [own] : []),
    ...(name === 'TimeoutError' ? ['ETIMEDOUT'] : []),
    ...nested,
  ];
}

/**
 * Maps a failure to reach the orchestrator to what the client gets: 504 `upstream.timeout` when it did not
 * answer in time, 503 `upstream.unavailable` when it cannot be reached, else 502 `upstream.bad_response`. The
 * original error is kept as `cause` for the log; the message names the URL, never a header.
 */
export function toUpstreamError(error: unknown, context: { origin: string; timeoutMs: number }): AppError {
  const codes = codesOf(error);
  if (codes.some((code) => TIMEOUTS.has(code))) {
    return new AppError(
      'upstream.timeout',
      `The orchestrator did not answer within ${context.timeoutMs / 1000} s; a write may still complete: check GET /api/v1/runners`,
      { cause: error },
    );
  }
  if (codes.some((code) => UNREACHABLE.has(code))) {
    return new AppError(
      'upstream.unavailable',
      `The orchestrator at ${context.origin} cannot be reached; it may be starting or down. Retry shortly`,
      { cause: error },
    );
  }
  return new AppError(
    'upstream.bad_response',
    'The orchestrator sent a response the gateway could not read',
    {
      cause: error,
    },
  );
}
