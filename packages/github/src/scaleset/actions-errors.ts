import { AppError, type ErrorCode } from '@gha-ephemeral/contract';
import { GitHubDeadlineError } from '../deadline/deadline-fetch.js';

/** The Actions service's typed errors we branch on (`typeName` of its `{typeName, message}` bodies). */
const TYPE_CODES: Record<string, ErrorCode> = {
  RunnerScaleSetSessionConflictException: 'github.session_conflict',
  AgentExistsException: 'github.runner_exists',
  JobStillRunningException: 'github.job_still_running',
  AgentNotFoundException: 'github.not_found',
};

function codeOfStatus(status: number): ErrorCode {
  if (status === 401) return 'github.unauthorized';
  if (status === 403) return 'github.forbidden';
  if (status === 404) return 'github.not_found';
  if (status === 409) return 'github.conflict';
  if (status === 429) return 'github.rate_limited';
  if (status >= 500) return 'github.unavailable';
  return 'github.validation_failed';
}

/** Reads `{typeName, message}` from an error body; GitHub's message never holds a token. */
function readBody(text: string): { typeName?: string; message?: string } {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { typeName, message } = parsed as Record<string, unknown>;
    return {
      ...(typeof typeName === 'string' ? { typeName } : {}),
      ...(typeof message === 'string' ? { message: message.slice(0, 300) } : {}),
    };
  } catch {
    return {};
  }
}

/** Turns a failed answer of the Actions service into an `AppError` naming the operation (`what`). */
export function actionsHttpError(status: number, bodyText: string, what: string): AppError {
  const { typeName, message } = readBody(bodyText);
  const code = (typeName && TYPE_CODES[typeName]) || codeOfStatus(status);
  const said = message ? `: ${message}` : '';
  return new AppError(code, `Could not ${what}: the Actions service answered ${status}${said}`, {
    details: { status, ...(typeName ? { typeName } : {}) },
  });
}

/** Turns a network failure, a deadline or a cancellation into a retryable `github.unavailable`. */
export function actionsNetworkError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  const reason =
    error instanceof GitHubDeadlineError
      ? error.message
      : error instanceof Error && error.name === 'AbortError'
        ? 'the request was cancelled'
        : 'the Actions service could not be reached';
  return new AppError('github.unavailable', `Could not ${what}: ${reason}`, { cause: error });
}
