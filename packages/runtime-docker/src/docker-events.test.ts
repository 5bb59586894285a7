import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { backoffDelay, streamRuntimeEvents } from './docker-events.js';

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap, jittered between half and all of it', () => {
    const backoff = { initialMs: 100, maxMs: 1_000 };
    for (const [failures, ceiling] of [
      [1, 100],
      [2, 200],
      [4, 800],
      [5, 1_000],
      [50, 1_000],
    ] as const) {
      const delay = backoffDelay(backoff, failures);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
});

describe('streamRuntimeEvents', () => {
  it('reports an event the engine delivers after a later-stamped one, and a repeated line once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'events-'));
    const socketPath = join(dir, 'engine.sock');
    const line = (id: string, timeNano: bigint) =>
      `{"Type":"container","Action":"die","Actor":{"ID":"${id}","Attributes":{"name":"${id}","exitCode":"0"}},"timeNano":${timeNano}}\n`;
    const base = 1_800_000_000_000_000_000n;
    const server = createServer((request, response) => {
      if (request.url?.includes('/info')) {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ SystemTime: '2027-01-15T08:00:00.000000000Z' }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      // Two containers died 74 µs apart; the engine sends the later one first, then repeats a line.
      response.write(line('later', base + 74_000n));
      response.write(line('earlier', base));
      response.write(line('earlier', base));
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const controller = new AbortController();
    const seen: string[] = [];
    try {
      const context = {
        docker: new Dockerode({ socketPath }),
        logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
        engineAddress: socketPath,
        backoff: { initialMs: 10_000, maxMs: 10_000 },
        requestTimeoutMs: 5_000,
      };
      const reading = (async () => {
        for await (const event of streamRuntimeEvents(context, { labels: {} }, controller.signal)) {
          if (event.type === 'exited') seen.push(event.containerId);
        }
      })();
      // The answer has ended by then: the stream waits to reconnect, and stops at the abort.
      await new Promise((resolve) => setTimeout(resolve, 300));
      controller.abort();
      await reading;
      expect(seen).toEqual(['later', 'earlier']);
    } finally {
      controller.abort();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
