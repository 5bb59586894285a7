import { ApiError, describeError } from './api';
import { readEventStream, type StreamEnd } from './event-stream';
import type { DashboardEvent } from './types';

/** Where the page's event stream is. */
export type ConnectionStatus =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'reconnecting'; attempt: number; retryAt: number; reason: string };

/** Options of {@link startLiveConnection}. */
export interface LiveConnectionOptions {
  key: string;
  onEvent: (event: DashboardEvent) => void;
  onStatus: (status: ConnectionStatus) => void;
  /** The gateway refused the key (401): the connection has stopped for good. */
  onUnauthorized: (message: string) => void;
  /** Reads one stream; tests pass their own. */
  read?: typeof readEventStream;
  now?: () => number;
}

const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 10_000;

/** How long a stream must have stayed open for the next reconnection to start again from the first delay. */
export const STABLE_MS = 30_000;

/** Backoff before reconnect attempt `attempt` (1-based): 1 s, 2 s, 4 s, 8 s, then 10 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function describeEnd(end: StreamEnd): string {
  if (end.kind === 'closed') return 'the gateway closed the stream';
  return end.reason === 'shutdown' ? 'the server is restarting' : 'the stream fell behind';
}

async function runConnection(options: LiveConnectionOptions, signal: AbortSignal): Promise<void> {
  const read = options.read ?? readEventStream;
  const now = options.now ?? Date.now;
  let attempt = 0;
  let openedAt: number | null = null;
  options.onStatus({ kind: 'connecting' });
  while (!signal.aborted) {
    let reason: string;
    try {
      const end = await read({
        key: options.key,
        signal,
        onOpen: () => {
          openedAt = now();
          options.onStatus({ kind: 'live' });
        },
        onEvent: options.onEvent,
      });
      reason = describeEnd(end);
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ApiError && error.status === 401) {
        options.onUnauthorized(error.message);
        return;
      }
      reason = describeError(error);
    }
    if (signal.aborted) return;
    // Only a stream that stayed up a while starts the backoff afresh: one cut at once must not retry every second.
    if (openedAt !== null && now() - openedAt >= STABLE_MS) attempt = 0;
    openedAt = null;
    attempt += 1;
    const delay = reconnectDelay(attempt);
    options.onStatus({ kind: 'reconnecting', attempt, retryAt: now() + delay, reason });
    await sleep(delay, signal);
  }
}

/**
 * Keeps the page's event stream open: reconnects with a backoff of 1 s to 10 s after any end or error, and stops
 * for good on 401 or when the returned function is called.
 */
export function startLiveConnection(options: LiveConnectionOptions): () => void {
  const controller = new AbortController();
  void runConnection(options, controller.signal);
  return () => controller.abort();
}
