/** Longest wait for one answer from GitHub, by default: far above its usual second, far below fetch's 300 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

/** Thrown when GitHub sends no complete answer within the deadline; Octokit reports it as a network failure. */
export class GitHubDeadlineError extends Error {
  override readonly name = 'GitHubDeadlineError';
  constructor(timeoutMs: number) {
    super(`no answer within ${Math.round(timeoutMs / 100) / 10} s`);
  }
}

/** Statuses whose answers have no body (a `Response` refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * A `fetch` that gives every attempt its own deadline, on top of the caller's signal: a call the caller never
 * bounds (an API route, the reaper) cannot hang for fetch's default five minutes, times the retries. The body is
 * read within the deadline too: Octokit turns a body that fails half-way into empty data, not an error.
 */
export function deadlineFetch(timeoutMs: number, inner: typeof fetch = fetch): typeof fetch {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new RangeError(`request timeout must be a positive number of ms, not ${timeoutMs}`);
  return async (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const caller = init?.signal ?? undefined;
    const signal = caller ? AbortSignal.any([caller, deadline]) : deadline;
    try {
      const response = await inner(input, { ...init, signal });
      const body = NULL_BODY.has(response.status) ? null : await response.arrayBuffer();
      const whole = new Response(body, response);
      Object.defineProperty(whole, 'url', { value: response.url });
      return whole;
    } catch (error) {
      if (deadline.aborted && !caller?.aborted) throw new GitHubDeadlineError(timeoutMs);
      throw error;
    }
  };
}
