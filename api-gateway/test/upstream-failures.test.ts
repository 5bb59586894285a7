import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { startStandInOrchestrator, type StandInOrchestrator } from './helpers/stand-in-orchestrator.js';

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const list = { method: 'GET' as const, url: '/api/v1/runners', headers: bearer() };

describe('the orchestrator down', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ orchestratorUrl: `http://127.0.0.1:${await closedPort()}` });
  });
  afterAll(() => gateway.close());

  // "At once" is this test's timeout: a gateway that waited or retried on a refused connection would exceed it.
  it('answers the runner routes 503 upstream.unavailable at once', async () => {
    const response = await gateway.app.inject(list);
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'upstream.unavailable' });
    expect(response.json<{ message: string }>().message).toMatch(/cannot be reached/);
  }, 3000);

  it('answers /health 503 down, saying what failed but not the internal address', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      status: 'down',
      service: 'api-gateway',
      version: '1.2.3-test',
      dependencies: { orchestrator: { status: 'down', message: 'cannot be reached' } },
    });
    expect(response.body).not.toContain('127.0.0.1');
  });

  it('logs the failure with its cause', () => {
    const line = gateway.logs.find((entry) => entry.level === 'ERROR' && entry.msg === 'request failed');
    expect(JSON.stringify(line)).toMatch(/ECONNREFUSED/);
  });
});

describe('the orchestrator slow, or answering garbage', () => {
  let upstream: StandInOrchestrator;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startStandInOrchestrator();
    gateway = await startTestGateway({
      orchestratorUrl: upstream.url,
      readTimeoutMs: 500,
      writeTimeoutMs: 1000,
      // Each test below changes the orchestrator's answer: /health must not serve the previous one.
      health: { cacheMs: 0 },
    });
  });
  afterEach(() => upstream.reset());
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  // The test's timeout bounds the wait; which timeout applied is in the answer (the write timeout is tested below).
  it('answers 504 upstream.timeout after the read timeout when it never answers', async () => {
    upstream.respondWith(() => undefined);
    const response = await gateway.app.inject(list);
    expect(response.statusCode).toBe(504);
    expect(response.json()).toMatchObject({
      code: 'upstream.timeout',
      message: expect.stringMatching(/^The orchestrator did not answer within 0\.5 s;/),
    });
  }, 5000);

  it('gives writes the longer write timeout', async () => {
    upstream.respondWith((_request, response) => {
      setTimeout(() => {
        response.writeHead(201, { 'content-type': 'application/json' });
        response.end('{"runners":[]}');
      }, 700);
    });
    const created = await gateway.app.inject({
      method: 'POST',
      url: '/api/v1/runners',
      headers: { ...bearer(), 'content-type': 'application/json' },
      payload: '{"organization":"octo-org"}',
    });
    expect(created.statusCode).toBe(201);
    const read = await gateway.app.inject(list);
    expect(read.statusCode).toBe(504);
  });

  it('answers 504 when the body stalls half way', async () => {
    upstream.respondWith((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"runners":[');
    });
    const response = await gateway.app.inject(list);
    expect(response.statusCode).toBe(504);
  });

  const garbage: [string, (response: ServerResponse) => unknown, number, string][] = [
    [
      'an HTML page',
      (r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<h1>hello</h1>'),
      502,
      'upstream.bad_response',
    ],
    [
      'JSON that is not JSON',
      (r) => r.writeHead(200, { 'content-type': 'application/json' }).end('{"runners":'),
      502,
      'upstream.bad_response',
    ],
    [
      'a JSON array',
      (r) => r.writeHead(200, { 'content-type': 'application/json' }).end('[]'),
      502,
      'upstream.bad_response',
    ],
    [
      'an HTML 500',
      (r) => r.writeHead(500, { 'content-type': 'text/html' }).end('<pre>stack trace at /app/x.js</pre>'),
      502,
      'upstream.bad_response',
    ],
    [
      'a 500 without our error shape',
      (r) => r.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}'),
      502,
      'upstream.bad_response',
    ],
    [
      'a 503 while shutting down',
      (r) => r.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"Service Unavailable"}'),
      503,
      'upstream.unavailable',
    ],
    [
      '401 (token mismatch)',
      (r) =>
        r.writeHead(401, { 'content-type': 'application/json' }).end('{"code":"auth.invalid","message":"x"}'),
      502,
      'upstream.unauthorized',
    ],
    [
      'a redirect',
      (r) => r.writeHead(302, { location: 'http://elsewhere.example/' }).end(),
      502,
      'upstream.bad_response',
    ],
    ['a closed connection', (r) => r.socket?.destroy(), 502, 'upstream.'],
  ];

  it.each(garbage)(
    'answers %s with %i and a JSON error, never a 500 page',
    async (_name, respond, status, code) => {
      upstream.respondWith((_request, response) => {
        respond(response);
      });
      const response = await gateway.app.inject(list);
      expect(
        response.statusCode === status || (code === 'upstream.' && [502, 503].includes(response.statusCode)),
      ).toBe(true);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json<{ code: string }>().code.startsWith(code)).toBe(true);
      expect(response.body).not.toMatch(/stack trace|<h1>/);
    },
  );

  it("passes the orchestrator's own 5xx errors through with their code", async () => {
    upstream.respondWith((_request, response) => {
      response
        .writeHead(502, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 'github.unavailable', message: 'GitHub did not answer; retry later' }));
    });
    const response = await gateway.app.inject(list);
    expect(response.statusCode).toBe(502);
    expect(response.json()).toEqual({
      code: 'github.unavailable',
      message: 'GitHub did not answer; retry later',
    });
  });

  it('reports degraded (200) when the orchestrator answers but reports a dependency down', async () => {
    upstream.respondWith((_request, response) => {
      response.writeHead(503, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          status: 'down',
          service: 'orchestrator',
          version: '9.9.9',
          uptimeSeconds: 5,
          dependencies: {
            docker: { status: 'down', message: 'connect ENOENT /var/run/docker.sock' },
            github: { status: 'ok' },
          },
        }),
      );
    });
    const response = await gateway.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'degraded',
      dependencies: {
        orchestrator: { status: 'down', version: '9.9.9', message: 'the orchestrator reports docker down' },
      },
    });
    expect(response.body).not.toContain('docker.sock');
  });

  it('reports ok with both versions when all is well', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'ok',
      service: 'api-gateway',
      version: '1.2.3-test',
      dependencies: { orchestrator: { status: 'ok', version: '9.9.9' } },
    });
  });
});

describe('a server that accepts connections but never speaks HTTP', () => {
  let silent: Server;
  let gateway: TestGateway;

  beforeAll(async () => {
    silent = createServer();
    silent.on('connection', () => undefined);
    silent.removeAllListeners('request');
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    gateway = await startTestGateway({ orchestratorUrl: `http://127.0.0.1:${port}`, readTimeoutMs: 400 });
  });
  afterAll(async () => {
    await gateway.close();
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('is a 504 within the bound, and /health says down within its own', async () => {
    const response = await gateway.app.inject(list);
    expect(response.statusCode).toBe(504);
    const health = await gateway.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
  });
});
