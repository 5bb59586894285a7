import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { WorkflowJobEvent } from '@gha-ephemeral/contract';
import { createLogger } from '@gha-ephemeral/logging';
import { waitFor } from '@gha-ephemeral/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../src/metrics/gateway-metrics.js';
import { OrchestratorClient } from '../src/upstream/orchestrator-client.js';
import { WebhookForwarder } from '../src/webhooks/forwarder.js';
import { startTestGateway, type TestGateway } from './helpers/gateway.js';
import { startStandInOrchestrator, type StandInOrchestrator } from './helpers/stand-in-orchestrator.js';
import { metricValue } from './helpers/metrics.js';
import { deliver, WEBHOOK_SECRET, workflowJobPayload } from './helpers/webhooks.js';

const TOKEN = 'orchestrator-token-abcdef0123456789';

/** Every `workflow_job` example payload of @octokit/webhooks-examples, GitHub.com's and each GHES version's. */
function officialExamples(): { source: string; payload: Record<string, unknown> }[] {
  const root = dirname(createRequire(import.meta.url).resolve('@octokit/webhooks-examples/package.json'));
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const all = JSON.parse(readFileSync(join(root, entry.name, 'index.json'), 'utf8')) as {
        name: string;
        examples: Record<string, unknown>[];
      }[];
      const examples = all.find((event) => event.name === 'workflow_job')?.examples ?? [];
      return examples.map((payload, index) => ({ source: `${entry.name}#${index}`, payload }));
    });
}

const forwarded = (upstream: StandInOrchestrator): WorkflowJobEvent[] =>
  upstream.requests
    .filter((request) => request.url === '/internal/v1/workflow-jobs')
    .map((request) => JSON.parse(request.body) as WorkflowJobEvent);

describe('GitHub webhooks on the gateway', () => {
  let upstream: StandInOrchestrator;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startStandInOrchestrator({ token: TOKEN });
  });
  beforeEach(async () => {
    upstream.reset();
    gateway = await startTestGateway({
      orchestratorUrl: upstream.url,
      apiToken: TOKEN,
      webhookSecret: WEBHOOK_SECRET,
      // A tight per-client limit: deliveries must not be subject to it.
      rateLimit: { max: 2, windowSeconds: 60 },
    });
  });
  afterEach(async () => gateway.close());
  afterAll(async () => upstream.close());

  // Long enough for a hand-over that should not happen to have reached the stand-in.
  const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

  it('checks the signature against GitHub’s test vector', async () => {
    await gateway.close();
    gateway = await startTestGateway({
      orchestratorUrl: upstream.url,
      webhookSecret: "It's a Secret to Everybody",
    });
    const good = await deliver(gateway.app, 'Hello, World!', {
      event: 'ping',
      secret: null,
      signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    });
    expect(good.statusCode).toBe(200);
    const bad = await deliver(gateway.app, 'Hello, World?', {
      event: 'ping',
      secret: null,
      signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    });
    expect(bad.statusCode).toBe(401);
  });

  it('answers a signed queued delivery 202 at once, and hands the normalized event over after', async () => {
    let release: () => void = () => undefined;
    upstream.respondWith(async (_request, response) => {
      // The orchestrator takes its time (it starts a container before answering): GitHub must not wait for it.
      await new Promise<void>((resolve) => (release = resolve));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"outcome":"queued"}');
    });
    const response = await deliver(
      gateway.app,
      workflowJobPayload('queued', { id: 7, labels: ['self-hosted', 'gpu'] }),
      {
        deliveryId: 'delivery-1',
      },
    );
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'accepted' });
    await waitFor(() => upstream.requests.length === 1, {
      timeoutMs: 5000,
      message: 'the hand-over did not reach the stand-in',
    });
    release();
    expect(forwarded(upstream)).toEqual([
      {
        deliveryId: 'delivery-1',
        action: 'queued',
        job: {
          id: 7,
          runId: 77,
          status: 'queued',
          labels: ['self-hosted', 'gpu'],
          runnerName: null,
          createdAt: '2026-01-01T10:00:00Z',
          // For people (the dashboard): names and the job's page pass on; a conclusion only once there is one.
          name: 'build',
          workflowName: 'CI',
          htmlUrl: 'https://github.com/octo-org/octo-repo/actions/runs/77/job/7',
          conclusion: null,
        },
        repository: 'octo-org/octo-repo',
        repositoryPrivate: true,
        organization: 'octo-org',
      },
    ]);
    expect(upstream.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(upstream.requests[0]!.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses unsigned, forged and altered deliveries with 401, and hands nothing over', async () => {
    const payload = workflowJobPayload('queued');
    const unsigned = await deliver(gateway.app, payload, { secret: null });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json()).toMatchObject({ code: 'webhook.signature_missing' });
    const forged = await deliver(gateway.app, payload, { secret: 'not-the-secret' });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({
      code: 'webhook.signature_invalid',
      message: expect.stringMatching(/GITHUB_WEBHOOK_SECRET/),
    });
    const body = JSON.stringify(payload);
    const { sign } = await import('@octokit/webhooks-methods');
    const altered = await deliver(gateway.app, body.replace('octo-repo', 'other-repo'), {
      secret: null,
      signature: await sign(WEBHOOK_SECRET, body),
    });
    expect(altered.statusCode).toBe(401);
    const garbage = await deliver(gateway.app, payload, { secret: null, signature: 'sha256=zz' });
    expect(garbage.statusCode).toBe(401);
    await settle();
    expect(upstream.requests).toEqual([]);
    expect(gateway.rawLogs.join('')).not.toContain(WEBHOOK_SECRET);
  });

  it('answers ping 200 and ignores other events and actions with 202', async () => {
    const ping = await deliver(
      gateway.app,
      { zen: 'Keep it logically awesome.', hook_id: 1 },
      { event: 'ping' },
    );
    expect(ping.statusCode).toBe(200);
    const push = await deliver(gateway.app, { ref: 'refs/heads/main' }, { event: 'push' });
    expect(push.statusCode).toBe(202);
    expect(push.json()).toMatchObject({ status: 'ignored' });
    const future = await deliver(gateway.app, workflowJobPayload('teleported'));
    expect(future.statusCode).toBe(202);
    expect(future.json()).toMatchObject({ status: 'ignored' });
    await settle();
    expect(upstream.requests).toEqual([]);
  });

  it('accepts and normalizes every official workflow_job example, quirks included', async () => {
    const examples = officialExamples();
    expect(examples.length).toBeGreaterThanOrEqual(8);
    for (const { source, payload } of examples) {
      const response = await deliver(gateway.app, payload, { deliveryId: source });
      expect(response.statusCode, `${source}: ${response.body}`).toBe(202);
    }
    await waitFor(() => forwarded(upstream).length === examples.length, {
      timeoutMs: 5000,
      message: 'the hand-over did not reach the stand-in',
    });
    const events = new Map(forwarded(upstream).map((event) => [event.deliveryId, event]));
    for (const { source, payload } of examples) {
      const job = payload['workflow_job'] as Record<string, unknown>;
      expect(events.get(source), source).toMatchObject({
        action: payload['action'],
        job: {
          id: job['id'],
          runId: job['run_id'],
          labels: job['labels'],
          createdAt: job['created_at'] ?? null,
        },
        repository: (payload['repository'] as { full_name: string }).full_name,
      });
    }
    // The quirk GitHub.md warns about: `queued` whose job says `waiting`.
    expect([...events.values()].some((e) => e.action === 'queued' && e.job.status === 'waiting')).toBe(true);
  });

  it('reads a webhook set to application/x-www-form-urlencoded', async () => {
    const body = new URLSearchParams({
      payload: JSON.stringify(workflowJobPayload('completed', { runner_name: 'gha-x' })),
    }).toString();
    const response = await deliver(gateway.app, body, { contentType: 'application/x-www-form-urlencoded' });
    expect(response.statusCode).toBe(202);
    await waitFor(() => forwarded(upstream).length === 1, {
      timeoutMs: 5000,
      message: 'the hand-over did not reach the stand-in',
    });
    expect(forwarded(upstream)[0]).toMatchObject({ action: 'completed', job: { runnerName: 'gha-x' } });
  });

  it('refuses a signed delivery it cannot read with 400, and an oversized one with 413', async () => {
    const missingJob = await deliver(gateway.app, { action: 'queued', repository: { full_name: 'a/b' } });
    expect(missingJob.statusCode).toBe(400);
    expect(missingJob.json()).toMatchObject({
      code: 'webhook.payload_invalid',
      message: expect.stringMatching(/workflow_job/),
    });
    const notJson = await deliver(gateway.app, '{"action":');
    expect(notJson.statusCode).toBe(400);
    const huge = await deliver(gateway.app, { padding: 'x'.repeat(1024 * 1024) }, { event: 'push' });
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ code: 'request.too_large' });
  });

  it('is not held to the per-client rate limit: a burst of deliveries all get through', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        deliver(gateway.app, workflowJobPayload('queued', { id: 1000 + i })),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(202));
    await waitFor(() => forwarded(upstream).length === 20, {
      timeoutMs: 5000,
      message: 'the hand-over did not reach the stand-in',
    });
  });

  it('keeps the events of one job in order, and retries an orchestrator that answers 5xx or is away', async () => {
    let failures = 2;
    upstream.respondWith(async (request, response) => {
      const event = JSON.parse(request.body) as WorkflowJobEvent;
      if (event.action === 'queued' && failures-- > 0) {
        response.writeHead(503, { 'content-type': 'application/json' });
        response.end('{"code":"upstream.unavailable","message":"starting"}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"outcome":"queued"}');
    });
    await deliver(gateway.app, workflowJobPayload('queued', { id: 5 }));
    await deliver(gateway.app, workflowJobPayload('completed', { id: 5, runner_name: 'gha-r' }));
    await waitFor(() => upstream.requests.length === 4, {
      timeoutMs: 10_000,
      message: 'the hand-over did not reach the stand-in',
    });
    expect(forwarded(upstream).map((e) => e.action)).toEqual(['queued', 'queued', 'queued', 'completed']);
    // The stand-in has the last request a moment before the gateway has its answer (and counts it).
    const metrics = await waitFor(
      async () => {
        const text = (await gateway.app.inject({ method: 'GET', url: '/metrics' })).body;
        const delivered = metricValue(text, 'gha_ephemeral_gateway_webhook_forwards_total', {
          result: 'delivered',
        });
        return delivered === 2 ? text : null;
      },
      { timeoutMs: 5000, message: 'the gateway to count both deliveries' },
    );
    expect(metricValue(metrics, 'gha_ephemeral_gateway_webhook_forward_retries_total')).toBe(2);
  });

  it('counts deliveries by result in /metrics, as an operator would watch them', async () => {
    const scrape = async () => (await gateway.app.inject({ method: 'GET', url: '/metrics' })).body;
    const accepted = { event: 'workflow_job', result: 'accepted' };
    const forged = { event: 'workflow_job', result: 'forged' };
    const before = await scrape();
    // No delivery counted yet: the series does not exist until the first one.
    expect(metricValue(before, 'gha_ephemeral_gateway_webhook_deliveries_total', accepted)).toBeUndefined();
    await deliver(gateway.app, workflowJobPayload('queued'));
    await deliver(gateway.app, workflowJobPayload('queued'), { secret: 'wrong' });
    const after = await scrape();
    expect(metricValue(after, 'gha_ephemeral_gateway_webhook_deliveries_total', accepted)).toBe(1);
    expect(metricValue(after, 'gha_ephemeral_gateway_webhook_deliveries_total', forged)).toBe(1);
    expect(
      metricValue(after, 'gha_ephemeral_gateway_http_requests_total', {
        route: '/webhooks/github',
        status: '401',
      }),
    ).toBe(1);
    const response = await gateway.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});

describe('webhooks without a secret, or with the queue full', () => {
  it('answers 503 webhook.not_configured, saying what to set', async () => {
    const upstream = await startStandInOrchestrator();
    const gateway = await startTestGateway({ orchestratorUrl: upstream.url });
    try {
      const response = await deliver(gateway.app, workflowJobPayload('queued'));
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        code: 'webhook.not_configured',
        message: expect.stringMatching(/set GITHUB_WEBHOOK_SECRET \(or GITHUB_WEBHOOK_SECRET_FILE\)/),
      });
      expect(upstream.requests).toEqual([]);
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });

  it('retries an orchestrator that cannot be reached, then gives up with an error in the log', async () => {
    const { freePort } = await import('@gha-ephemeral/testkit');
    const lines: string[] = [];
    const { logger } = createLogger({
      service: 'test',
      level: 'DEBUG',
      format: 'json',
      destination: { write: (l: string) => void lines.push(l) },
    });
    const client = new OrchestratorClient({
      url: `http://127.0.0.1:${await freePort()}`,
      readTimeoutMs: 1000,
      writeTimeoutMs: 1000,
      userAgent: 'test',
    });
    const results: [string, number][] = [];
    const forwarder = new WebhookForwarder({
      orchestrator: client,
      logger,
      attempts: 3,
      retryBaseMs: 10,
      onResult: (result, attempts) => results.push([result, attempts]),
    });
    const event: WorkflowJobEvent = {
      deliveryId: 'd',
      action: 'queued',
      job: { id: 1, runId: 2, status: 'queued', labels: [], runnerName: null, createdAt: null },
      repository: 'a/b',
      organization: null,
    };
    expect(forwarder.enqueue(event, 'req-1')).toBe(true);
    await forwarder.idle();
    await client.close();
    expect(results).toEqual([['failed', 3]]);
    expect(lines.filter((l) => l.includes('retrying'))).toHaveLength(2);
    const gaveUp = lines
      .map((l) => JSON.parse(l) as { level: string; msg: string })
      .find((l) => l.msg.includes('poller will catch it'));
    expect(gaveUp?.level).toBe('ERROR');
  });

  it('answers 503 webhook.overloaded when the hand-over queue is full, so GitHub shows the delivery as failed', async () => {
    const upstream = await startStandInOrchestrator();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    upstream.respondWith(async (_request, response) => {
      await held;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"outcome":"queued"}');
    });
    const { logger } = createLogger({
      service: 'test',
      level: 'ERROR',
      format: 'json',
      destination: { write: () => undefined },
    });
    const client = new OrchestratorClient({
      url: upstream.url,
      readTimeoutMs: 5000,
      writeTimeoutMs: 5000,
      userAgent: 'test',
    });
    const forwarder = new WebhookForwarder({ orchestrator: client, logger, capacity: 2, concurrency: 1 });
    const gateway = await startTestGateway({
      orchestratorUrl: upstream.url,
      webhookSecret: WEBHOOK_SECRET,
      forwarder,
      metrics: new GatewayMetrics(),
    });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i += 1)
        statuses.push((await deliver(gateway.app, workflowJobPayload('queued', { id: 300 + i }))).statusCode);
      expect(statuses).toEqual([202, 202, 503]);
      release();
      await forwarder.close();
      expect(upstream.requests).toHaveLength(2);
    } finally {
      release();
      await gateway.close();
      await client.close();
      await upstream.close();
    }
  });
});
