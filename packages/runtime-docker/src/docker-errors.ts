import { AppError } from '@gha-ephemeral/contract';
import type { SecretRedactor } from './secret-redactor.js';

// Node's codes for "nobody answers there": no socket file, nothing listening, no route, a dropped connection.
const UNREACHABLE_CODES = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOTSOCK',
]);

/** The HTTP status the engine answered with, when it answered. */
export function engineStatusCode(error: unknown): number | undefined {
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

/** Node's system error code (`ECONNREFUSED`, ...), when there is one. */
function systemErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The engine's own explanation (its JSON `message`), without docker-modem's `(HTTP code N) reason -` prefix. */
export function engineMessage(error: unknown): string {
  const json = (error as { json?: unknown } | null)?.json;
  if (json !== null && typeof json === 'object') {
    const message = (json as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message.trim();
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

/** True when the error says the engine could not be reached at all (as opposed to an engine that said no). */
export function isEngineUnreachable(error: unknown): boolean {
  if (engineStatusCode(error) !== undefined) return false;
  const code = systemErrorCode(error);
  if (code !== undefined && (UNREACHABLE_CODES.has(code) || code === 'EACCES')) return true;
  return error instanceof Error && /socket hang up/i.test(error.message);
}

/** `runtime.unavailable`, telling the reader how to get the engine to answer. */
export function engineUnavailableError(error: unknown, engineAddress: string): AppError {
  const code = systemErrorCode(error);
  const hint =
    code === 'EACCES'
      ? 'Permission denied on the socket: run as root or as a member of the docker group, or fix the socket permissions.'
      : 'Is dockerd running? If the engine listens elsewhere, set DOCKER_HOST (for example unix:///run/docker.sock or tcp://127.0.0.1:2375).';
  return new AppError(
    'runtime.unavailable',
    `Cannot reach the Docker engine at ${engineAddress}${code === undefined ? '' : ` (${code})`}. ${hint}`,
    { cause: error },
  );
}

/** `runtime.unavailable` for an engine that accepted the connection but did not answer in time. */
export function engineTimeoutError(operation: string, timeoutMs: number, engineAddress: string): AppError {
  return new AppError(
    'runtime.unavailable',
    `The Docker engine at ${engineAddress} did not answer "${operation}" within ${Math.round(timeoutMs / 1000)} s. ` +
      'Is dockerd overloaded or hung? Check `docker info`.',
  );
}

/**
 * `runtime.failed` with the engine's reason, secrets removed. A 4xx says the request itself is wrong (a bad name, a
 * missing network, a command that cannot start): retrying the same request will not help, so it is not retryable.
 */
export function runtimeFailedError(operation: string, error: unknown, redactor: SecretRedactor): AppError {
  const status = engineStatusCode(error);
  const reason = redactor.redact(engineMessage(error));
  const retryable = status === undefined || status >= 500 || status === 408 || status === 429;
  return new AppError(
    'runtime.failed',
    `Docker could not ${operation}${status === undefined ? '' : ` (HTTP ${status})`}: ${reason}`,
    { cause: error, retryable },
  );
}
