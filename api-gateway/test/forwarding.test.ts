import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, bearer, startTestGateway, type TestGateway } from './helpers/gateway.js';
import {
  sampleRunner,
  startStandInOrchestrator,
  type StandInOrchestrator,
} from './helpers/stand-in-orchestrator.js';

const TOKEN = 'orchestrator-token-abcdef0123456789';

describe('forwarding to the orchestrator', () => {
  let upstream: StandInOrchestrator;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startStandInOrchestrator({ token: TOKEN });
    gateway = await startTestGateway({ orchestratorUrl: upstream.url, apiToken: TOKEN });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it('lists runners on both paths, sending the orchestrator token and never the client key', async () => {
    upstream.runners = [sampleRunner('runner-a')];
    for (const url of ['/runners', '/api/v1/runners']) {
      const response = await gateway.app.inject({ method: 'GET', url, headers: bearer() });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toEqual({ runners: [sampleRunner('runner-a')], total: 1 });
    }
    expect(upstream.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /api/v1/runners',
      'GET /api/v1/runners',
    ]);
    for (const request of upstream.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(JSON.stringify(request.headers)).not.toContain(API_KEY);
      expect(request.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('creates runners with the validated body only', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/v1/runners',
      headers: { ...bearer(), 'content-type': 'application/json' },
      payload: { repository: 'octo-org/octo-repo', labels: ['gpu'], count: 2 },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json<{ runners: { id: string; labels: string[] }[] }>();
    expect(body.runners.map((runner) => runner.id)).toEqual(['runner-1', 'runner-2']);
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(upstream.requests[0]?.body ?? '')).toEqual({
      repository: 'octo-org/octo-repo',
      labels: ['gpu'],
      count: 2,
    });
  });

  it('gets and deletes one runner, and passes the orchestrator 404 through', async () => {
    upstream.runners = [sampleRunner('runner-x')];
    const got = await gateway.app.inject({ method: 'GET', url: '/runners/runner-x', headers: bearer() });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ id: 'runner-x' });

    const deleted = await gateway.app.inject({
      method: 'DELETE',
      url: '/api/v1/runners/runner-x',
      headers: bearer(),
    });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');

    const again = await gateway.app.inject({
      method: 'GET',
      url: '/api/v1/runners/runner-x',
      headers: bearer(),
    });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual({ code: 'runner.not_found', message: 'No runner with this id' });
  });

  it('passes 202 and Retry-After through, and strips fields that are not part of the error shape', async () => {
    upstream.respondWith((request, response) => {
      if (request.method === 'DELETE') {
        response.writeHead(202);
        response.end();
        return;
      }
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '30' });
      response.end(
        JSON.stringify({ code: 'runner.capacity_reached', message: 'MAX_RUNNERS reached', stack: 'at x' }),
      );
    });
    const deleted = await gateway.app.inject({
      method: 'DELETE',
      url: '/api/v1/runners/runner-x',
      headers: bearer(),
    });
    expect(deleted.statusCode).toBe(202);
    const created = await gateway.app.inject({
      method: 'POST',
      url: '/api/v1/runners',
      headers: bearer(),
      payload: { organization: 'octo-org' },
    });
    expect(created.statusCode).toBe(429);
    expect(created.headers['retry-after']).toBe('30');
    expect(created.json()).toEqual({ code: 'runner.capacity_reached', message: 'MAX_RUNNERS reached' });
  });

  it('passes a DELETE that declares JSON but sends no body', async () => {
    upstream.runners = [sampleRunner('runner-y')];
    const response = await gateway.app.inject({
      method: 'DELETE',
      url: '/api/v1/runners/runner-y',
      headers: { ...bearer(), 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(204);
  });
});
