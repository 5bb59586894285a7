import { connect, type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.js';
import { metricValue } from './helpers/metrics.js';
import { startStandInOrchestrator, type StandInOrchestrator } from './helpers/stand-in-orchestrator.js';
import { deliver, WEBHOOK_SECRET, workflowJobPayload } from './helpers/webhooks.js';

describe('webhook floods', () => {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
  let upstream: StandInOrchestrator;
  let gateway: TestGateway;

  beforeEach(async () => {
    upstream = await startStandInOrchestrator();
    gateway = await startTestGateway({
      orchestratorUrl: upstream.url,
      webhookSecret: WEBHOOK_SECRET,
      now: () => clock.now,
      listen: true,
    });
  });
  afterEach(async () => {
    await gateway.close();
    await upstream.close();
  });

  const refusalWarnings = () =>
    gateway.logs.filter((line) => line.level === 'WARNING' && String(line.msg).includes('refused'));

  /** Sends a delivery's headers and only the first bytes of the body it announces, then reads what comes back. */
  async function sendHeadersOnly(headers: Record<string, string>): Promise<string> {
    const { port } = gateway.app.server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    // Without an answer the test fails on an empty string, rather than waiting for the server's request timeout.
    socket.setTimeout(10_000, () => socket.destroy());
    const head = [
      'POST /webhooks/github HTTP/1.1',
      'Host: gateway',
      'Content-Type: application/json',
      'Content-Length: 1000000',
      'X-GitHub-Event: workflow_job',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      '',
      '{"action":"queued",',
    ].join('\r\n');
    socket.write(head);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    await new Promise<void>((resolve) => {
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    return answer;
  }

  it('refuses a delivery without a signature before its body arrives, and closes the connection', async () => {
    // The rest of the announced megabyte never comes: an answer at all proves the body was not waited for.
    const answer = await sendHeadersOnly({});
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toMatch(/connection: close/i);
    expect(answer).toContain('"code":"webhook.signature_missing"');
  });

  it('refuses a signature that is not sha256=<64 hex digits> before its body arrives', async () => {
    const answer = await sendHeadersOnly({ 'X-Hub-Signature-256': 'sha1=0123456789abcdef' });
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('"code":"webhook.signature_invalid"');
    expect(answer).toMatch(/64 hex digits/);
  });

  it('answers an unsigned delivery over the size bound 401, not 413: its body is never read', async () => {
    const huge = await deliver(gateway.app, { padding: 'x'.repeat(2 * 1024 * 1024) }, { secret: null });
    expect(huge.statusCode).toBe(401);
    expect(huge.json()).toMatchObject({ code: 'webhook.signature_missing' });
  });

  it('warns once a minute about refusals, however many, and reports the count with the next warning', async () => {
    const payload = workflowJobPayload('queued');
    for (let i = 0; i < 100; i += 1) await deliver(gateway.app, payload, { secret: null });
    expect(refusalWarnings()).toHaveLength(1);
    expect(refusalWarnings()[0]).toMatchObject({
      msg: 'webhook delivery refused',
      code: 'webhook.signature_missing',
      client: '127.0.0.1',
    });
    const metrics = (await gateway.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(
      metricValue(metrics, 'gha_ephemeral_gateway_webhook_deliveries_total', {
        event: 'workflow_job',
        result: 'unsigned',
      }),
    ).toBe(100);

    clock.now += 30_000;
    await deliver(gateway.app, payload, { secret: 'not-the-secret' });
    expect(refusalWarnings()).toHaveLength(1);

    clock.now += 31_000;
    await deliver(gateway.app, payload, { secret: 'not-the-secret' });
    expect(refusalWarnings()).toHaveLength(2);
    expect(refusalWarnings()[1]).toMatchObject({
      code: 'webhook.signature_invalid',
      suppressed: { 'webhook.signature_missing': 99, 'webhook.signature_invalid': 1 },
    });
  });

  it('writes the summary of the refusals not yet reported when it stops', async () => {
    for (let i = 0; i < 3; i += 1) await deliver(gateway.app, workflowJobPayload('queued'), { secret: null });
    await gateway.app.close();
    expect(refusalWarnings()).toHaveLength(2);
    expect(refusalWarnings()[1]).toMatchObject({
      suppressed: { 'webhook.signature_missing': 2 },
      total: 2,
    });
  });

  it.each([
    [
      'a runner name over 64 characters',
      workflowJobPayload('completed', { runner_name: 'r'.repeat(65) }),
      /workflow_job\.runner_name: a runner name is at most 64 characters/,
    ],
    [
      'a label over 256 characters',
      workflowJobPayload('queued', { labels: ['self-hosted', 'l'.repeat(257)] }),
      /workflow_job\.labels\.1: a label is at most 256 characters/,
    ],
    [
      'more than 100 labels',
      workflowJobPayload('queued', { labels: Array.from({ length: 101 }, (_, i) => `l${i}`) }),
      /workflow_job\.labels: a job has at most 100 labels/,
    ],
    [
      'a repository full name over 140 characters',
      workflowJobPayload('queued', {}, `octo-org/${'r'.repeat(200)}`),
      /repository\.full_name: a repository full name is at most 140 characters/,
    ],
    [
      'a 100 KB status',
      workflowJobPayload('queued', { status: 's'.repeat(100_000) }),
      /workflow_job\.status: a job status is at most 32 characters/,
    ],
  ])(
    'refuses a signed delivery with %s (400, naming the field) and forwards nothing',
    async (_name, payload, message) => {
      const response = await deliver(gateway.app, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'webhook.payload_invalid' });
      expect(response.json<{ message: string }>().message).toMatch(message);
      expect(response.body.length).toBeLessThan(1000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(upstream.requests).toEqual([]);
    },
  );
});
