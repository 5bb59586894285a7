import { createHmac, randomUUID } from 'node:crypto';
import { buildApp, OrchestratorClient } from '@gha-ephemeral/api-gateway';
import { startGitHubSim, type GitHubSim } from '@gha-ephemeral/github-sim';
import Dockerode from 'dockerode';
import { createLogger } from '@gha-ephemeral/logging';
import type { FastifyInstance } from 'fastify';
import { startHarness, TOKEN, type Harness } from './harness.js';

/** The token between the gateway and the orchestrator in these tests. */
export const SHARED_TOKEN = 'gateway-to-orchestrator-0123456789';

/** A real gateway (in process, on a port) in front of a harness's orchestrator (listening on a port too). */
export interface WebhookStack {
  gateway: FastifyInstance;
  gatewayUrl: string;
  orchestratorUrl: string;
  close(): Promise<void>;
}

/**
 * Listens the harness's orchestrator on 127.0.0.1 and puts the gateway in front of it, with `secret` as
 * `GITHUB_WEBHOOK_SECRET`. The harness must have been started with `ORCHESTRATOR_API_TOKEN` = {@link SHARED_TOKEN}.
 */
export async function startWebhookStack(h: Harness, secret: string): Promise<WebhookStack> {
  const orchestratorUrl = await h.orchestrator.app.listen({ host: '127.0.0.1', port: 0 });
  const { logger } = createLogger({
    service: 'api-gateway',
    level: 'WARNING',
    format: 'json',
    destination: { write: () => undefined },
    secrets: [secret, SHARED_TOKEN],
  });
  const client = new OrchestratorClient({
    url: orchestratorUrl,
    apiToken: SHARED_TOKEN,
    readTimeoutMs: 10_000,
    writeTimeoutMs: 60_000,
    userAgent: 'webhook-tests',
  });
  const gateway = await buildApp({
    logger,
    orchestrator: client,
    version: 'test',
    apiKeys: ['webhook-tests-api-key-0123456789'],
    rateLimit: { max: 1000, windowSeconds: 60 },
    corsOrigins: [],
    trustProxy: false,
    webhookSecret: secret,
  });
  const gatewayUrl = await gateway.listen({ host: '127.0.0.1', port: 0 });
  return {
    gateway,
    gatewayUrl,
    orchestratorUrl,
    async close() {
      await gateway.close();
      await client.close();
    },
  };
}

/** A workflow whose one job runs on `[self-hosted, label]`. */
export function workflowOn(label: string): string {
  return `name: CI\non: [push]\njobs:\n  build:\n    runs-on: [self-hosted, ${label}]\n    steps:\n      - run: echo hi\n`;
}

/** The simulator, an orchestrator in automatic mode behind a gateway, and the repositories they serve. */
export interface WebhookWorld {
  sim: GitHubSim;
  h: Harness;
  stack: WebhookStack;
  close(): Promise<void>;
}

/**
 * A simulator with `repos` (owner `octo`, each with a workflow on `[self-hosted, label]`), an orchestrator in
 * automatic mode whose runners carry `label`, polling every `checkInterval` seconds (by default not at all after
 * the first, so webhooks are the only signal), and a gateway in front of it with `secret`.
 */
export async function startWebhookWorld(options: {
  label: string;
  secret: string;
  repos: readonly string[];
  checkInterval?: number;
  /** More of the orchestrator's variables (a runner template, say). */
  env?: Record<string, string>;
}): Promise<WebhookWorld> {
  const sim = await startGitHubSim({ tokens: { [TOKEN]: { login: 'octo' } } });
  for (const name of options.repos) {
    sim.control.createRepo({
      owner: 'octo',
      name,
      workflows: [{ path: '.github/workflows/ci.yml', content: workflowOn(options.label) }],
    });
  }
  const h = await startHarness(
    {
      AUTO_CREATE_RUNNERS: 'true',
      RUNNER_CHECK_INTERVAL: String(options.checkInterval ?? 3600),
      RUNNER_LABELS: options.label,
      ORCHESTRATOR_API_TOKEN: SHARED_TOKEN,
      ...options.env,
    },
    { sim, autoCheck: options.checkInterval !== undefined },
  );
  const stack = await startWebhookStack(h, options.secret);
  return {
    sim,
    h,
    stack,
    async close() {
      await stack.close();
      await h.close();
      await sim.close();
    },
  };
}

/** Posts a `workflow_job` delivery to the gateway as GitHub does: `signature: null` sends none. */
export async function postDelivery(
  gatewayUrl: string,
  body: string,
  options: { signature: string | null; deliveryId?: string },
): Promise<Response> {
  return fetch(`${gatewayUrl}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'workflow_job',
      'x-github-delivery': options.deliveryId ?? randomUUID(),
      ...(options.signature === null ? {} : { 'x-hub-signature-256': options.signature }),
    },
    body,
  });
}

/** `X-Hub-Signature-256` as GitHub computes it. */
export function signDelivery(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The containers of an orchestrator, in any state. */
export async function containersOf(orchestratorId: string): Promise<Dockerode.ContainerInfo[]> {
  return new Dockerode().listContainers({
    all: true,
    filters: { label: [`gha-ephemeral.orchestrator=${orchestratorId}`] },
  });
}
