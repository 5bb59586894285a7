import { AppError } from '@gha-ephemeral/contract';

interface RequestErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function isRequestError(error: unknown): error is RequestErrorLike {
  return (
    error instanceof Error &&
    error.name === 'HttpError' &&
    typeof (error as { status?: unknown }).status === 'number'
  );
}

function githubMessage(error: RequestErrorLike): string {
  const data = error.response?.data;
  if (data && typeof data === 'object' && 'message' in data && typeof data.message === 'string')
    return data.message;
  return error.message;
}

function isRateLimited(error: RequestErrorLike): boolean {
  const headers = error.response?.headers ?? {};
  return (
    (error.status === 403 || error.status === 429) &&
    (String(headers['x-ratelimit-remaining']) === '0' || /rate limit/i.test(githubMessage(error)))
  );
}

/**
 * Turns what Octokit threw into an `AppError` whose message says what to fix. `what` names the operation
 * ("create a registration token for octo/repo"). GitHub's own message is kept (it never holds the token);
 * request headers are not.
 */
export function toAppError(error: unknown, what: string, credentialHint: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    return new AppError('github.unavailable', `Could not ${what}: the request was cancelled`, {
      cause: error,
    });
  }
  // Octokit reports a network failure (refused, reset, DNS) as a status-500 RequestError without a response.
  if (!isRequestError(error) || error.response === undefined) {
    const reason = error instanceof Error ? error.message : String(error);
    return new AppError('github.unavailable', `Could not ${what}: GitHub is unreachable (${reason})`, {
      cause: error,
    });
  }
  const message = githubMessage(error);
  if (isRateLimited(error)) {
    const reset = error.response?.headers?.['x-ratelimit-reset'];
    const retryAfter = error.response?.headers?.['retry-after'];
    const when =
      retryAfter !== undefined
        ? `retry after ${String(retryAfter)} s`
        : reset !== undefined
          ? `the limit resets at ${new Date(Number(reset) * 1000).toISOString()}`
          : 'retry later';
    return new AppError(
      'github.rate_limited',
      `Could not ${what}: GitHub's rate limit is exhausted (${when})`,
      {
        cause: error,
        details: { ...(retryAfter === undefined ? {} : { retryAfterSeconds: Number(retryAfter) }) },
      },
    );
  }
  switch (error.status) {
    case 401:
      return new AppError(
        'github.unauthorized',
        `Could not ${what}: GitHub rejected the credentials (${message}); check ${credentialHint}`,
        { cause: error },
      );
    case 403:
      return new AppError(
        'github.forbidden',
        `Could not ${what}: GitHub refused (${message}); the token needs the "repo" scope for repository runners and "admin:org" for organization runners`,
        { cause: error },
      );
    case 404:
      return new AppError(
        'github.not_found',
        `Could not ${what}: GitHub answered 404 (${message}); check the name, and that the credentials can administer it`,
        { cause: error },
      );
    case 409:
      return new AppError('github.conflict', `Could not ${what}: ${message}`, { cause: error });
    case 422:
      return new AppError(
        'github.validation_failed',
        `Could not ${what}: GitHub refused the request (${message})`,
        {
          cause: error,
        },
      );
    default:
      return new AppError(
        'github.unavailable',
        `Could not ${what}: GitHub answered ${error.status} (${message})`,
        {
          cause: error,
          retryable: error.status >= 500 || error.status === 408,
        },
      );
  }
}

/** The HTTP status of an Octokit error, or null for anything else. */
export function statusOf(error: unknown): number | null {
  return isRequestError(error) ? error.status : null;
}
