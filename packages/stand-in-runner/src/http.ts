/** An HTTP answer with its parsed JSON body (undefined when empty or not JSON). */
export interface JsonResponse {
  status: number;
  body: unknown;
}

/** Options of {@link requestJson}. */
export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Per-request bound; default 30 s. */
  timeoutMs?: number;
}

/** Thrown when a request could not be made at all (connection refused, timeout). Never carries headers or bodies. */
export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Sends a JSON request with Node's fetch, bounded in time; network failures become {@link TransportError}. */
export async function requestJson(url: string, options: RequestOptions = {}): Promise<JsonResponse> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': 'stand-in-runner/1',
    ...options.headers,
  };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? 'GET',
      headers,
      signal,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const reason =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : 'unknown';
    throw new TransportError(
      `${options.method ?? 'GET'} ${new URL(url).origin}${new URL(url).pathname} failed: ${reason}`,
    );
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body };
}

/** Sleeps, ending early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
