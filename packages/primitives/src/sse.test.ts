import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { SseStreams, type SseStreamsOptions } from './sse.js';

const MAX_BUFFERED = 64 * 1024;

/** Polls `condition` until it holds; a bounded wait. */
async function until(condition: () => boolean, message: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message}`);
    await sleep(5);
  }
}

/** A real HTTP server whose every request opens a stream of `streams` (503 when it refuses one). */
interface Served {
  server: Server;
  url: string;
  /** The responses of the streams opened, in the order they opened. */
  responses: ServerResponse[];
}

async function serve(options: Partial<SseStreamsOptions> = {}): Promise<Served & { streams: SseStreams }> {
  const streams = new SseStreams({
    maxStreams: 4,
    maxBufferedBytes: MAX_BUFFERED,
    heartbeatMs: 0,
    ...options,
  });
  const responses: ServerResponse[] = [];
  const server = createServer((_request, response) => {
    const stream = streams.open(response);
    if (stream === null) {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('too many streams');
      return;
    }
    responses.push(response);
    response.writeHead(200, { 'content-type': 'text/event-stream' }).flushHeaders();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  opened.push(server);
  return { server, url: `http://127.0.0.1:${port}/events`, responses, streams };
}

/** A client that reads everything it is sent and parses the events. */
interface Reader {
  status: number;
  events: { id: string | null; event: string; data: unknown }[];
  text: string;
  /** Set when the response ended cleanly (not reset). */
  endedCleanly: boolean;
  closed: boolean;
  destroy(): void;
}

async function openReader(url: string): Promise<Reader> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (response) => {
      const reader: Reader = {
        status: response.statusCode ?? 0,
        events: [],
        text: '',
        endedCleanly: false,
        closed: false,
        destroy: () => req.destroy(),
      };
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        reader.text += chunk;
        buffer += chunk;
        let blank: number;
        while ((blank = buffer.indexOf('\n\n')) !== -1) {
          const lines = buffer.slice(0, blank).split('\n');
          buffer = buffer.slice(blank + 2);
          const field = (name: string) =>
            lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2) ?? null;
          const data = field('data');
          if (data !== null) {
            reader.events.push({
              id: field('id'),
              event: field('event') ?? 'message',
              data: JSON.parse(data),
            });
          }
        }
      });
      response.once('end', () => (reader.endedCleanly = true));
      response.once('close', () => (reader.closed = true));
      response.once('error', () => undefined);
      resolve(reader);
    });
    req.once('error', reject);
    req.end();
  });
}

/** A client that sends its request and then never reads a byte of the answer. */
async function openStalled(url: string): Promise<Socket> {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.pause();
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
  stalled.push(socket);
  return socket;
}

const opened: Server[] = [];
const stalled: Socket[] = [];

afterEach(async () => {
  for (const socket of stalled.splice(0)) socket.destroy();
  await Promise.all(
    opened.splice(0).map(async (server) => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }),
  );
});

describe('SseStreams over real sockets', () => {
  it('drops a client that stops reading, while one that reads gets every event in order', async () => {
    const { url, responses, streams } = await serve();
    const reader = await openReader(url);
    await until(() => streams.size === 1, 'the reading stream to open');
    await openStalled(url);
    await until(() => streams.size === 2, 'the stalled stream to open');
    const stalledResponse = responses[1]!;

    const payload = 'x'.repeat(8 * 1024);
    const eventBytes = Buffer.byteLength(JSON.stringify({ n: 0, payload })) + 64;
    let sent = 0;
    let mostBuffered = 0;
    // Loopback buffers in the kernel hold a few megabytes before the server's own buffer grows: 64 MiB is plenty.
    while (!stalledResponse.destroyed && sent * eventBytes < 64 * 1024 * 1024) {
      // A round is synchronous: nothing here waits on any client.
      for (let i = 0; i < 8; i += 1) {
        streams.broadcast('tick', { n: sent, payload });
        sent += 1;
        mostBuffered = Math.max(mostBuffered, stalledResponse.writableLength);
      }
      await until(() => reader.events.length === sent, `the reader to receive ${sent} events`);
    }

    expect(stalledResponse.destroyed, 'the stalled client was dropped').toBe(true);
    // What waited in memory for the stalled client never went past the bound by more than one event.
    expect(mostBuffered).toBeLessThanOrEqual(MAX_BUFFERED + eventBytes);
    await until(() => streams.size === 1, 'the dropped stream to be forgotten');
    expect(reader.events.map((event) => (event.data as { n: number }).n)).toEqual(
      Array.from({ length: sent }, (_, n) => n),
    );
    expect(reader.events.map((event) => event.id)).toEqual(
      Array.from({ length: sent }, (_, n) => String(n + 1)),
    );

    streams.broadcast('tick', { n: sent, payload: 'after' });
    await until(() => reader.events.length === sent + 1, 'the reader to receive one more event');
    expect(reader.closed).toBe(false);
    reader.destroy();
  });

  it('refuses one stream more than maxStreams, and accepts one again when a stream closes', async () => {
    const { url, streams } = await serve({ maxStreams: 2 });
    const first = await openReader(url);
    const second = await openReader(url);
    expect([first.status, second.status]).toEqual([200, 200]);
    const refused = await openReader(url);
    expect(refused.status).toBe(503);
    await until(() => refused.endedCleanly, 'the refusal to end');
    expect(refused.text).toBe('too many streams');

    first.destroy();
    await until(() => streams.size === 1, 'the closed stream to be forgotten');
    const again = await openReader(url);
    expect(again.status).toBe(200);
    streams.broadcast('tick', { n: 1 });
    await until(
      () => again.events.length === 1 && second.events.length === 1,
      'both streams to get the event',
    );
    second.destroy();
    again.destroy();
  });

  it('sends an idle stream heartbeat comments, which are not events', async () => {
    const { url } = await serve({ heartbeatMs: 20 });
    const reader = await openReader(url);
    await until(() => reader.text.includes(': keep-alive\n\n'), 'a heartbeat comment');
    expect(reader.events).toEqual([]);
    reader.destroy();
  });

  it('closeAll ends every stream with a last event, refuses new ones, and lets the server close', async () => {
    const { server, url, streams } = await serve();
    const reader = await openReader(url);
    await until(() => streams.size === 1, 'the stream to open');
    streams.broadcast('tick', { n: 0 });

    streams.closeAll('bye', { type: 'bye', reason: 'shutdown' });

    await until(() => reader.endedCleanly, 'the response to end');
    expect(reader.events.map((event) => event.event)).toEqual(['tick', 'bye']);
    expect(reader.events.at(-1)!.data).toEqual({ type: 'bye', reason: 'shutdown' });
    const late = await openReader(url);
    expect(late.status).toBe(503);
    await until(() => late.endedCleanly, 'the refusal to end');

    let closed = false;
    server.close(() => (closed = true));
    await until(() => closed, 'server.close() to complete');
    opened.splice(opened.indexOf(server), 1);
  });
});
