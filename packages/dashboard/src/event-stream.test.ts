import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { readEventStream } from './event-stream';
import type { DashboardEvent } from './types';

/** A `fetch` that answers with `chunks` as an event stream, one chunk a read, and records the request. */
function streamingFetch(chunks: string[], options: { end?: boolean } = {}) {
  const requests: { url: string; headers: Headers }[] = [];
  const request = async (url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    requests.push({
      url: url instanceof Request ? url.url : url.toString(),
      headers: new Headers(init?.headers),
    });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const encoder = new TextEncoder();
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        if (options.end !== false) controller.close();
        init?.signal?.addEventListener('abort', () =>
          controller.error(new DOMException('aborted', 'AbortError')),
        );
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
  return { request, requests };
}

describe('readEventStream', () => {
  it('parses events split across reads, skips comments, and ends with the goodbye', async () => {
    const snapshot = JSON.stringify({ type: 'pools', pools: [] });
    const { request, requests } = streamingFetch([
      ': keep-alive\n\n',
      `id: 1\nevent: pools\ndata: ${snapshot.slice(0, 10)}`,
      `${snapshot.slice(10)}\n\n`,
      'event: runner.removed\ndata: {"type":"runner.removed","id":"r1"}\n\n',
      'event: bye\ndata: {"type":"bye","reason":"too-slow"}\n\n',
    ]);
    const events: DashboardEvent[] = [];
    let opened = false;
    const end = await readEventStream({
      key: 'secret-key',
      signal: new AbortController().signal,
      fetch: request,
      onOpen: () => (opened = true),
      onEvent: (event) => events.push(event),
    });
    expect(opened).toBe(true);
    expect(events.map((event) => event.type)).toEqual(['pools', 'runner.removed', 'bye']);
    expect(end).toEqual({ kind: 'bye', reason: 'too-slow' });
    expect(requests[0]?.url).toBe('/api/v1/events');
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer secret-key');
    expect(requests[0]?.headers.get('accept')).toBe('text/event-stream');
  });

  it('ignores an event whose JSON is broken or disagrees with its name', async () => {
    const { request } = streamingFetch([
      'event: pools\ndata: {not json\n\n',
      'event: pools\ndata: {"type":"latency","latency":null}\n\n',
    ]);
    const events: DashboardEvent[] = [];
    const end = await readEventStream({
      key: 'k',
      signal: new AbortController().signal,
      fetch: request,
      onOpen: () => {},
      onEvent: (event) => events.push(event),
    });
    expect(events).toEqual([]);
    expect(end).toEqual({ kind: 'closed' });
  });

  it("rejects with the gateway's error when the key is refused", async () => {
    const request = (async () =>
      new Response(JSON.stringify({ code: 'auth.invalid', message: 'unknown key' }), {
        status: 401,
        headers: { 'content-type': 'application/json' },
      })) as typeof fetch;
    const reading = readEventStream({
      key: 'k',
      signal: new AbortController().signal,
      fetch: request,
      onOpen: () => {},
      onEvent: () => {},
    });
    await expect(reading).rejects.toBeInstanceOf(ApiError);
    await expect(reading).rejects.toMatchObject({
      status: 401,
      code: 'auth.invalid',
      message: 'unknown key',
    });
  });

  it('gives up on a stream that goes silent (no keep-alive)', async () => {
    const { request } = streamingFetch([': keep-alive\n\n'], { end: false });
    const reading = readEventStream({
      key: 'k',
      signal: new AbortController().signal,
      fetch: request,
      idleTimeoutMs: 50,
      onOpen: () => {},
      onEvent: () => {},
    });
    await expect(reading).rejects.toThrow('the event stream went silent');
  });
});
