import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStandInRunner } from '@gha-ephemeral/stand-in-runner';
import { signWebhookBody } from '../src/index.js';
import type { GitHubSim } from '../src/index.js';
import { TOKENS, octokitFor, startWorld } from './helpers/sim.js';
import { expectWebhookSchema } from './helpers/webhook-schemas.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('webhooks', () => {
  let sim: GitHubSim;
  let server: Server;
  let url: string;
  const received: Received[] = [];
  let answer = 200;

  beforeAll(async () => {
    sim = await startWorld();
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/github`;
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const events = (): {
    event: string;
    action: string | undefined;
    payload: Record<string, unknown>;
    headers: IncomingHttpHeaders;
  }[] =>
    received.map((r) => {
      const payload = JSON.parse(r.body) as Record<string, unknown>;
      return {
        event: String(r.headers['x-github-event']),
        action: payload['action'] as string | undefined,
        payload,
        headers: r.headers,
      };
    });

  it('pings a new hook, then sends signed workflow_job queued, in_progress and completed that match GitHub’s schemas', async () => {
    const secret = "It's a Secret to Everybody";
    const hookId = sim.control.addWebhook({ url, secret, repo: 'acme/app' });
    const { jobId } = sim.control.queueJob({
      repo: 'acme/app',
      labels: ['self-hosted', 'hooked'],
      durationMs: 100,
    });
    sim.control.queueJob({ repo: 'acme/site', labels: ['self-hosted', 'hooked'] });
    const { data } = await octokitFor(sim, TOKENS.alice).actions.generateRunnerJitconfigForRepo({
      owner: 'acme',
      repo: 'app',
      name: 'hooked',
      runner_group_id: 1,
      labels: ['self-hosted', 'hooked'],
    });
    await runStandInRunner({ mode: 'jit', jitConfig: data.encoded_jit_config, pollWaitMs: 500 });
    await sim.control.webhooksIdle();
    const got = events();
    expect(got.map((e) => [e.event, e.action])).toEqual([
      ['ping', undefined],
      ['workflow_job', 'queued'],
      ['workflow_job', 'in_progress'],
      ['workflow_job', 'completed'],
    ]);
    expectWebhookSchema('ping', got[0]?.payload);
    for (const e of got.slice(1)) {
      expectWebhookSchema(`workflow-job-${String(e.action).replace('_', '-')}`, e.payload);
      expect(e.payload).toMatchObject({
        workflow_job: { id: jobId },
        repository: { full_name: 'acme/app' },
        organization: { login: 'acme' },
      });
      expect(e.headers['x-github-hook-id']).toBe(String(hookId));
      expect(e.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(got[2]?.payload).toMatchObject({
      workflow_job: { status: 'in_progress', runner_name: 'hooked', runner_id: data.runner.id },
    });
    expect(got[3]?.payload).toMatchObject({ workflow_job: { status: 'completed', conclusion: 'success' } });
    for (const r of received) expect(r.headers['x-hub-signature-256']).toBe(signWebhookBody(secret, r.body));
    sim.control.clearWebhooks();
  });

  it('records deliveries, failed ones too, and redelivers with the same GUID', async () => {
    received.length = 0;
    answer = 500;
    sim.control.addWebhook({ url, org: 'acme', ping: false });
    sim.control.queueJob({ repo: 'acme/site', labels: ['x'], status: 'waiting' });
    await sim.control.webhooksIdle();
    const failed = sim.control.webhookDeliveries().at(-1);
    expect(failed).toMatchObject({
      event: 'workflow_job',
      action: 'waiting',
      status: 500,
      redelivery: false,
    });
    expectWebhookSchema('workflow-job-waiting', JSON.parse(received[0]?.body ?? '{}'));
    answer = 200;
    sim.control.redeliverWebhook(failed?.guid ?? '');
    await sim.control.webhooksIdle();
    expect(sim.control.webhookDeliveries().at(-1)).toMatchObject({
      guid: failed?.guid,
      status: 200,
      redelivery: true,
    });
    expect(received.map((r) => r.headers['x-github-delivery'])).toEqual([failed?.guid, failed?.guid]);
    expect(received[0]?.headers['x-hub-signature-256']).toBeUndefined();
    sim.control.clearWebhooks();
  });

  it('records an unreachable receiver as status 0', async () => {
    sim.control.addWebhook({ url: 'http://127.0.0.1:9/nowhere' });
    await sim.control.webhooksIdle();
    expect(sim.control.webhookDeliveries().at(-1)).toMatchObject({
      event: 'ping',
      status: 0,
      error: expect.any(String),
    });
    sim.control.clearWebhooks();
  });
});
