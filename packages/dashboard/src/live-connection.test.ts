import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api';
import type { EventStreamOptions, StreamEnd } from './event-stream';
import { reconnectDelay, STABLE_MS, startLiveConnection, type ConnectionStatus } from './live-connection';

/** A stream reader whose every call is answered by the next step of a script. */
function scriptedReader(steps: ((options: EventStreamOptions) => Promise<StreamEnd>)[]) {
  let call = 0;
  return vi.fn(async (options: EventStreamOptions) => {
    const step = steps[call++] ?? (() => new Promise<StreamEnd>(() => {}));
    return step(options);
  });
}

describe('reconnectDelay', () => {
  it('backs off from 1 s to 10 s', () => {
    expect([1, 2, 3, 4, 5, 9].map(reconnectDelay)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });
});

describe('startLiveConnection', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reconnects after an error or a goodbye, and says so', async () => {
    const statuses: ConnectionStatus[] = [];
    let clock = 0;
    const read = scriptedReader([
      async () => Promise.reject(new TypeError('network down')),
      async (options) => {
        options.onOpen();
        clock += STABLE_MS;
        return { kind: 'bye', reason: 'shutdown' };
      },
      async (options) => {
        options.onOpen();
        return new Promise<StreamEnd>(() => {});
      },
    ]);
    const stop = startLiveConnection({
      key: 'k',
      read,
      now: () => clock,
      onEvent: () => {},
      onStatus: (status) => statuses.push(status),
      onUnauthorized: () => {},
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(statuses.map((s) => s.kind)).toEqual(['connecting', 'reconnecting']);
    expect(statuses[1]).toMatchObject({ attempt: 1, retryAt: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    // Opened and stayed up (the backoff starts over), then the server said goodbye.
    expect(statuses.slice(2).map((s) => s.kind)).toEqual(['live', 'reconnecting']);
    expect(statuses[3]).toMatchObject({ attempt: 1, reason: 'the server is restarting' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(statuses.at(-1)?.kind).toBe('live');
    expect(read).toHaveBeenCalledTimes(3);
    stop();
  });

  it('keeps backing off when streams are cut as soon as they open', async () => {
    const statuses: ConnectionStatus[] = [];
    const cutAtOnce = async (options: { onOpen(): void }): Promise<StreamEnd> => {
      options.onOpen();
      return { kind: 'closed' };
    };
    const read = scriptedReader([cutAtOnce, cutAtOnce, async () => new Promise<StreamEnd>(() => {})]);
    const stop = startLiveConnection({
      key: 'k',
      read,
      now: () => 0,
      onEvent: () => {},
      onStatus: (status) => statuses.push(status),
      onUnauthorized: () => {},
    });
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(2000);
    const attempts = statuses.flatMap((s) => (s.kind === 'reconnecting' ? [s.attempt] : []));
    expect(attempts).toEqual([1, 2]);
    stop();
  });

  it('stops for good when the key is refused', async () => {
    const refused: string[] = [];
    const read = scriptedReader([
      async () => Promise.reject(new ApiError(401, 'auth.invalid', 'unknown key')),
    ]);
    startLiveConnection({
      key: 'k',
      read,
      onEvent: () => {},
      onStatus: () => {},
      onUnauthorized: (message) => refused.push(message),
    });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(refused).toEqual(['unknown key']);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('aborts the stream when stopped', async () => {
    let signal: AbortSignal | null = null;
    const read = scriptedReader([
      async (options) => {
        signal = options.signal;
        return new Promise<StreamEnd>(() => {});
      },
    ]);
    const stop = startLiveConnection({
      key: 'k',
      read,
      onEvent: () => {},
      onStatus: () => {},
      onUnauthorized: () => {},
    });
    await vi.advanceTimersByTimeAsync(0);
    stop();
    expect(signal!.aborted).toBe(true);
  });
});
