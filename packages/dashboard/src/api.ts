import type { ErrorBody, Pool } from './types';

/** An answer of the gateway other than success, with its error body's `message` and `code` when it had one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;

  constructor(status: number, code: string | null, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as ErrorBody).message === 'string';
}

/** The gateway's error as an {@link ApiError}; a body that is not its JSON error still gives the status. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's HTML page, say): the status alone says enough.
  }
  if (isErrorBody(body)) return new ApiError(response.status, body.code, body.message);
  const text = response.statusText === '' ? '' : ` ${response.statusText}`;
  return new ApiError(response.status, null, `the gateway answered ${response.status}${text}`);
}

/** The headers of every data call: the key goes in `Authorization`, never in a URL or a cookie. */
export function authHeaders(key: string, accept = 'application/json'): Record<string, string> {
  return { authorization: `Bearer ${key}`, accept };
}

/** `GET /api/v1/pools`: also how the login form checks a key. */
export async function fetchPools(key: string, signal?: AbortSignal): Promise<Pool[]> {
  const response = await fetch('/api/v1/pools', {
    headers: authHeaders(key),
    cache: 'no-store',
    credentials: 'omit',
    ...(signal ? { signal } : {}),
  });
  if (!response.ok) throw await errorFromResponse(response);
  const body = (await response.json()) as { pools: Pool[] };
  return body.pools;
}

/** `DELETE /api/v1/runners/:id`: 'done', or 'accepted' when GitHub's registration is still being removed. */
export async function removeRunner(key: string, id: string): Promise<'done' | 'accepted'> {
  const response = await fetch(`/api/v1/runners/${encodeURIComponent(id)}`, {
    method: 'DELETE',
    headers: authHeaders(key),
    credentials: 'omit',
  });
  if (!response.ok) throw await errorFromResponse(response);
  return response.status === 202 ? 'accepted' : 'done';
}

/** A message for an error of a data call: the gateway's words, or why the gateway could not be reached. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return `the gateway could not be reached (${error.message})`;
  return 'the gateway could not be reached';
}
