import { createParser } from 'eventsource-parser';
import { authHeaders, errorFromResponse } from './api';
import type { DashboardEvent } from './types';

/** Callbacks of {@link readEventStream}. */
export interface EventStreamHandlers {
  /** The stream was accepted (200, `text/event-stream`). */
  onOpen: () => void;
  /** One event, its JSON parsed; its `type` is the SSE event name. */
  onEvent: (event: DashboardEvent) => void;
}

/** Options of {@link readEventStream}. */
export interface EventStreamOptions extends EventStreamHandlers {
  key: string;
  signal: AbortSignal;
  /**
   * Longest silence (no event, no keep-alive comment) before the stream counts as dead: the server sends a
   * comment every ~15 s, and a connection cut without a FIN (a sleeping laptop, a proxy) would otherwise hang.
   */
  idleTimeoutMs?: number;
  /** The page's `fetch`; tests pass their own. */
  fetch?: typeof fetch;
}

/** Why a stream ended without an error: the server closed it, or said goodbye first. */
export type StreamEnd = { kind: 'closed' } | { kind: 'bye'; reason: string };

const DEFAULT_IDLE_TIMEOUT_MS = 45_000;

function parseEvent(data: string, name: string | undefined): DashboardEvent | null {
  try {
    const event = JSON.parse(data) as DashboardEvent;
    // Each event's JSON repeats its type; an event that disagrees with its name is not ours.
    return typeof event === 'object' && event !== null && event.type === (name ?? event.type) ? event : null;
  } catch {
    return null;
  }
}

async function openStream(
  request: typeof fetch,
  key: string,
  signal: AbortSignal,
): Promise<ReadableStreamDefaultReader<string>> {
  const response = await request('/api/v1/events', {
    headers: authHeaders(key, 'text/event-stream'),
    cache: 'no-store',
    credentials: 'omit',
    signal,
  });
  if (!response.ok) throw await errorFromResponse(response);
  if (response.body === null) throw new Error('the event stream had no body');
  return response.body.pipeThrough(new TextDecoderStream()).getReader();
}

/** Aborts `controller` when `touch()` was not called for `ms`: a stream whose keep-alives stopped is dead. */
function watchIdle(controller: AbortController, ms: number): { touch: () => void; stop: () => void } {
  let timer = setTimeout(() => controller.abort(), ms);
  return {
    touch: () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), ms);
    },
    stop: () => clearTimeout(timer),
  };
}

async function pump(
  reader: ReadableStreamDefaultReader<string>,
  feed: (chunk: string) => void,
  touch: () => void,
): Promise<void> {
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      touch();
      feed(value);
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Reads `GET /api/v1/events` until it ends. `fetch()` rather than `EventSource`, which cannot send an
 * `Authorization` header. Rejects with an `ApiError` when the gateway refuses (401: the key), or with the
 * network's error; resolves when the server closes the stream.
 */
export async function readEventStream(options: EventStreamOptions): Promise<StreamEnd> {
  // One controller for the request: the caller's signal, and our own watch for silence.
  const controller = new AbortController();
  const forward = (): void => controller.abort();
  options.signal.addEventListener('abort', forward, { once: true });
  if (options.signal.aborted) controller.abort();
  const idle = watchIdle(controller, options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  let end: StreamEnd = { kind: 'closed' };
  const parser = createParser({
    onEvent: (message) => {
      const event = parseEvent(message.data, message.event);
      if (event === null) return;
      if (event.type === 'bye') end = { kind: 'bye', reason: event.reason };
      options.onEvent(event);
    },
  });
  try {
    const reader = await openStream(options.fetch ?? fetch, options.key, controller.signal);
    options.onOpen();
    idle.touch();
    await pump(reader, (chunk) => parser.feed(chunk), idle.touch);
    return end;
  } catch (error) {
    if (controller.signal.aborted && !options.signal.aborted) throw new Error('the event stream went silent');
    throw error;
  } finally {
    idle.stop();
    options.signal.removeEventListener('abort', forward);
  }
}
