import type { ServerResponse } from 'node:http';
import { waitFor } from '@gha-ephemeral/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestGateway, type TestGateway } from './helpers/gateway.js';
import {
  startStandInOrchestrator,
  type RecordedRequest,
  type StandInOrchestrator,
} from './helpers/stand-in-orchestrator.js';
import { deliver, WEBHOOK_SECRET, workflowJobPayload } from './helpers/webhooks.js';

const ORCHESTRATOR_OK = {
  status: 'ok',
  service: 'orchestrator',
  version: '9.9.9',
  uptimeSeconds: 1,
  dependencies: { docker: { status: 'ok' }, github: { status: 'ok' } },
};

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** The orchestrator's routes, its `/health` taking a while (it asks Docker and GitHub), so callers overlap. */
function slowHealth(request: RecordedRequest, response: ServerResponse): void {
  if (request.url === '/health') {
    setTimeout(() => sendJson(response, 200, ORCHESTRATOR_OK), 50);
  } else if (request.url === '/internal/v1/workflow-jobs') {
    sendJson(response, 200, { outcome: 'queued' });
  } else {
    sendJson(response, 200, { runners: [], total: 0 });
  }
}

describe('a flood of /health', () => {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
  let upstream: StandInOrchestrator;
  let gateway: TestGateway;

  const healthAsks = () => upstream.requests.filter((request) => request.url === '/health').length;
  const healthChecks = (count: number, remoteAddress = '127.0.0.1') =>
    Promise.all(
      Array.from({ length: count }, () =>
        gateway.app.inject({ method: 'GET', url: '/health', remoteAddress }),
      ),
    );

  beforeAll(async () => {
    upstream = await startStandInOrchestrator();
    gateway = await startTestGateway({
      orchestratorUrl: upstream.url,
      webhookSecret: WEBHOOK_SECRET,
      now: () => clock.now,
    });
  });
  afterEach(() => {
    upstream.reset();
    // Past any view the previous test left behind.
    clock.now += 60_000;
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('makes one request to the orchestrator for 200 concurrent checks, all answered', async () => {
    upstream.respondWith(slowHealth);
    const responses = await healthChecks(200);
    expect(responses.map((response) => response.statusCode)).toEqual(Array(200).fill(200));
    expect(responses[199]!.json()).toMatchObject({
      status: 'ok',
      dependencies: { orchestrator: { status: 'ok', version: '9.9.9' } },
    });
    expect(healthAsks()).toBe(1);
  });

  it('asks again, once for all waiting callers, only when its view is older than a second', async () => {
    upstream.respondWith(slowHealth);
    await healthChecks(1);
    clock.now += 900;
    await healthChecks(50);
    expect(healthAsks()).toBe(1);
    clock.now += 200;
    await healthChecks(50);
    expect(healthAsks()).toBe(2);
  });

  it('does not hammer an orchestrator that is failing either', async () => {
    upstream.respondWith((_request, response) => {
      response.writeHead(500, { 'content-type': 'text/html' }).end('<h1>oops</h1>');
    });
    const responses = await healthChecks(100);
    expect(responses.map((response) => response.statusCode)).toEqual(Array(100).fill(503));
    expect(responses[0]!.json()).toMatchObject({
      status: 'down',
      dependencies: { orchestrator: { status: 'down', message: 'unexpected answer' } },
    });
    expect(healthAsks()).toBe(1);
  });

  it('leaves the API and the webhook hand-over working while it lasts', async () => {
    upstream.respondWith(slowHealth);
    const flood = healthChecks(500, '192.0.2.50');
    const api = Promise.all(
      Array.from({ length: 20 }, () =>
        gateway.app.inject({
          method: 'GET',
          url: '/api/v1/runners',
          headers: bearer(),
          remoteAddress: '192.0.2.50',
        }),
      ),
    );
    const delivery = deliver(gateway.app, workflowJobPayload('queued', { id: 9001 }));
    const [floodResponses, apiResponses, webhook] = await Promise.all([flood, api, delivery]);
    expect(floodResponses.every((response) => response.statusCode === 200)).toBe(true);
    expect(apiResponses.map((response) => response.statusCode)).toEqual(Array(20).fill(200));
    expect(webhook.statusCode).toBe(202);
    await waitFor(() => upstream.requests.some((request) => request.url === '/internal/v1/workflow-jobs'), {
      timeoutMs: 5000,
      message: 'the webhook event did not reach the orchestrator',
    });
    expect(healthAsks()).toBe(1);
  });
});
