import { createLogger } from '@gha-ephemeral/logging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookForwarder } from '../src/webhooks/forwarder.js';
import { bearer, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { startStandInOrchestrator, type StandInOrchestrator } from './helpers/stand-in-orchestrator.js';
import { deliver, WEBHOOK_SECRET, workflowJobPayload } from './helpers/webhooks.js';

// Every call to the orchestrator has a deadline (ORCHESTRATOR_TIMEOUT, ORCHESTRATOR_WRITE_TIMEOUT, /health's own):
// a hung orchestrator is a clear JSON error, never a hang. The deadline is set to 300 ms here.
describe('an orchestrator that accepts every request and never answers', () => {
  const DEADLINE_MS = 300;
  let upstream: StandInOrchestrator;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startStandInOrchestrator();
    upstream.respondWith(() => undefined);
    gateway = await startTestGateway({
      orchestratorUrl: upstream.url,
      readTimeoutMs: DEADLINE_MS,
      writeTimeoutMs: DEADLINE_MS,
      webhookSecret: WEBHOOK_SECRET,
      health: { timeoutMs: DEADLINE_MS },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  const json = { ...bearer(), 'content-type': 'application/json' };
  it.each([
    ['GET /api/v1/runners', { method: 'GET' as const, url: '/api/v1/runners', headers: bearer() }],
    [
      'GET /api/v1/runners/{id}',
      { method: 'GET' as const, url: '/api/v1/runners/runner-1', headers: bearer() },
    ],
    [
      'POST /api/v1/runners',
      {
        method: 'POST' as const,
        url: '/api/v1/runners',
        headers: json,
        payload: '{"organization":"octo-org"}',
      },
    ],
    [
      'DELETE /api/v1/runners/{id}',
      { method: 'DELETE' as const, url: '/api/v1/runners/runner-1', headers: bearer() },
    ],
  ])(
    'answers %s with a JSON 504 upstream.timeout once the deadline passes',
    async (_name, request) => {
      const response = await gateway.app.inject(request);
      expect(response.statusCode).toBe(504);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toMatchObject({
        code: 'upstream.timeout',
        message: expect.stringMatching(/did not answer within 0\.3 s/),
      });
    },
    10_000,
  );

  it('answers /health 503 down, saying it had no answer in time', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      status: 'down',
      dependencies: { orchestrator: { status: 'down', message: 'no answer within 0.3 s' } },
    });
  }, 10_000);

  it('gives up handing a webhook event over after its attempts, each bounded, and says so in the log', async () => {
    const lines: Record<string, unknown>[] = [];
    const { logger } = createLogger({
      service: 'test',
      level: 'DEBUG',
      format: 'json',
      destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    const results: [string, number][] = [];
    const forwarder = new WebhookForwarder({
      orchestrator: gateway.orchestrator,
      logger,
      attempts: 2,
      retryBaseMs: 10,
      onResult: (result, attempts) => results.push([result, attempts]),
    });
    const hooked = await startTestGateway({
      orchestratorUrl: upstream.url,
      webhookSecret: WEBHOOK_SECRET,
      forwarder,
    });
    try {
      const response = await deliver(hooked.app, workflowJobPayload('queued'));
      expect(response.statusCode).toBe(202);
      await forwarder.idle();
      expect(results).toEqual([['failed', 2]]);
      expect(lines.find((line) => String(line.msg).includes('poller will catch it'))).toMatchObject({
        level: 'ERROR',
        err: { code: 'upstream.timeout' },
      });
    } finally {
      await forwarder.close();
      await hooked.close();
    }
  }, 10_000);
});
