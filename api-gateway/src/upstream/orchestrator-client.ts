import { AppError } from '@gha-ephemeral/contract';
import { Pool, type Dispatcher } from 'undici';
import { toUpstreamError } from './upstream-error.js';

/** One request to the orchestrator. `path` is absolute from the orchestrator's root (`/api/v1/runners`). */
export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Passed on as `x-request-id` so both services' logs can be joined. */
  requestId?: string;
  /** `'write'` gets the longer write timeout. Default `'read'`. */
  kind?: 'read' | 'write';
  /** A shorter bound than the kind's (health probes). */
  timeoutMs?: number;
}

/** What the orchestrator answered: any status, with a body that is JSON or empty (anything else was refused). */
export interface UpstreamResponse {
  statusCode: number;
  /** The body as received, for relaying without serializing it again; `''` when empty. */
  text: string;
  /** The body parsed; `undefined` when empty. */
  json: unknown;
  /** Its `Retry-After` header, when it sent one (capacity reached). */
  retryAfter: string | undefined;
}

/** An event stream the orchestrator opened, or its refusal. */
export type UpstreamStream =
  { open: true; body: AsyncIterable<Uint8Array> } | { open: false; response: UpstreamResponse };

/** The gateway's port to the orchestrator. */
export interface OrchestratorPort {
  /** The orchestrator's origin and base path, for messages. */
  readonly url: string;
  /**
   * Sends one request and reads the whole answer, within the read or write timeout (or until `signal` aborts).
   * Resolves for every HTTP status. Rejects only with an `AppError`: 504 `upstream.timeout`, 503
   * `upstream.unavailable` (not reachable), 502 `upstream.bad_response` (not HTTP, not JSON, too large).
   */
  request(request: UpstreamRequest, options?: { signal?: AbortSignal }): Promise<UpstreamResponse>;
  /**
   * Opens a long-lived GET (an event stream): resolves with the open body when the orchestrator answers 200, or
   * with the whole answer otherwise. The body must go quiet for no longer than `idleTimeoutMs` (heartbeats).
   */
  stream(
    request: Pick<UpstreamRequest, 'path' | 'requestId'> & { idleTimeoutMs: number },
    options: { signal: AbortSignal },
  ): Promise<UpstreamStream>;
  /** Closes the pooled connections, waiting for requests in flight. */
  close(): Promise<void>;
}

/** Options of {@link OrchestratorClient}. */
export interface OrchestratorClientOptions {
  /** `ORCHESTRATOR_URL`: an origin, optionally with a base path. */
  url: string;
  /** `ORCHESTRATOR_API_TOKEN`, sent as `Authorization: Bearer` when set. */
  apiToken?: string | undefined;
  readTimeoutMs: number;
  writeTimeoutMs: number;
  userAgent: string;
  /** Most sockets to the orchestrator at once (default 128); more requests queue. */
  connections?: number;
}

/** How long the orchestrator may take to read the fleet for a stream's first event. */
const SNAPSHOT_DEADLINE_MS = 10_000;

/** The largest answer read from the orchestrator: a list of a thousand runners is well under 1 MiB. */
export const MAX_UPSTREAM_BODY_BYTES = 8 * 1024 * 1024;

/** Reaches the orchestrator over one undici keep-alive pool. */
export class OrchestratorClient implements OrchestratorPort {
  readonly url: string;
  readonly #pool: Pool;
  readonly #basePath: string;
  readonly #origin: string;
  readonly #headers: Record<string, string>;
  readonly #options: OrchestratorClientOptions;

  constructor(options: OrchestratorClientOptions) {
    const url = new URL(options.url);
    this.#options = options;
    this.#origin = url.origin;
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.url = `${this.#origin}${this.#basePath}`;
    this.#headers = {
      accept: 'application/json',
      'user-agent': options.userAgent,
      ...(options.apiToken ? { authorization: `Bearer ${options.apiToken}` } : {}),
    };
    this.#pool = new Pool(this.#origin, {
      connections: options.connections ?? 128,
      connectTimeout: Math.min(options.readTimeoutMs, 10_000),
      keepAliveTimeout: 30_000,
      // Fastify (the orchestrator) keeps idle sockets 72 s: reuse them, but stop before it does.
      keepAliveMaxTimeout: 60_000,
      maxResponseSize: MAX_UPSTREAM_BODY_BYTES,
    });
  }

  async request(request: UpstreamRequest, options: { signal?: AbortSignal } = {}): Promise<UpstreamResponse> {
    const kindTimeoutMs =
      request.kind === 'write' ? this.#options.writeTimeoutMs : this.#options.readTimeoutMs;
    const timeoutMs = Math.min(request.timeoutMs ?? kindTimeoutMs, kindTimeoutMs);
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline]);
    const headers: Record<string, string> = { ...this.#headers };
    if (request.requestId !== undefined) headers['x-request-id'] = request.requestId;
    let payload: string | undefined;
    if (request.body !== undefined) {
      payload = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    try {
      const response = await this.#pool.request({
        method: request.method,
        path: `${this.#basePath}${request.path}`,
        headers,
        body: payload ?? null,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      return await readAnswer(response);
    } catch (error) {
      if (error instanceof AppError) throw error;
      // Whatever undici made of an abort, the signal's reason says why: a TimeoutError is a timeout.
      const cause = signal.aborted ? (signal.reason as unknown) : error;
      throw toUpstreamError(cause, { origin: this.url, timeoutMs });
    }
  }

  async stream(
    request: Pick<UpstreamRequest, 'path' | 'requestId'> & { idleTimeoutMs: number },
    options: { signal: AbortSignal },
  ): Promise<UpstreamStream> {
    const timeoutMs = this.#options.readTimeoutMs;
    const headers: Record<string, string> = { ...this.#headers, accept: 'text/event-stream' };
    if (request.requestId !== undefined) headers['x-request-id'] = request.requestId;
    try {
      const response = await this.#pool.request({
        method: 'GET',
        path: `${this.#basePath}${request.path}`,
        headers,
        signal: options.signal,
        // The orchestrator answers with its snapshot, which may take its own 10 s deadline to read.
        headersTimeout: timeoutMs + SNAPSHOT_DEADLINE_MS,
        bodyTimeout: request.idleTimeoutMs,
      });
      if (response.statusCode === 200) return { open: true, body: response.body };
      return { open: false, response: await readAnswer(response) };
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw toUpstreamError(options.signal.aborted ? (options.signal.reason as unknown) : error, {
        origin: this.url,
        timeoutMs,
      });
    }
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}

/** A whole answer: its status, its body as text and as JSON, and its `Retry-After`. */
async function readAnswer(response: Dispatcher.ResponseData): Promise<UpstreamResponse> {
  const text = await response.body.text();
  const retryAfter = response.headers['retry-after'];
  return {
    statusCode: response.statusCode,
    text,
    json: parseJsonBody(text, response.headers['content-type']),
    retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
  };
}

function parseJsonBody(text: string, contentType: string | string[] | undefined): unknown {
  if (text === '') return undefined;
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  // Built only when needed: an error captures a stack trace, which is not free on every response.
  const bad = () =>
    new AppError('upstream.bad_response', 'The orchestrator answered with something other than JSON');
  if (type === undefined || !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) throw bad();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw bad();
  }
}
