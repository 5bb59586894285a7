import { buildApp, OrchestratorClient } from '@gha-ephemeral/api-gateway';
import { createLogger } from '@gha-ephemeral/logging';
import type { FastifyInstance } from 'fastify';
import type { Harness } from './harness.js';

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
