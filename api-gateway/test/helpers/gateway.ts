import { createLogger } from '@gha-ephemeral/logging';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.js';
import { OrchestratorClient } from '../../src/upstream/orchestrator-client.js';

/** A key that passes the gateway's rules, for tests. */
export const API_KEY = 'test-key-0123456789abcdef';
export const OTHER_API_KEY = 'other-key-0123456789abcdef';

/** A gateway under test, with every log line it wrote. */
export interface TestGateway {
  app: FastifyInstance;
  orchestrator: OrchestratorClient;
  /** Every line written, parsed (JSON format). */
  logs: Record<string, unknown>[];
  /** Every line written, as written. */
  rawLogs: string[];
  close(): Promise<void>;
}

/** Options of {@link startTestGateway}: anything of `AppDeps` and the client's timeouts and token. */
export interface TestGatewayOptions extends Partial<Omit<AppDeps, 'logger' | 'orchestrator'>> {
  orchestratorUrl: string;
  apiToken?: string;
  readTimeoutMs?: number;
  writeTimeoutMs?: number;
  /** Also listen on 127.0.0.1 and a free port (for browsers and real sockets). */
  listen?: boolean;
}

/** Builds the gateway the way `main.ts` does, logging JSON into memory. */
export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const rawLogs: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const apiKeys = options.apiKeys ?? [API_KEY, OTHER_API_KEY];
  const { logger } = createLogger({
    service: 'api-gateway',
    level: 'DEBUG',
    format: 'json',
    destination: {
      write(line: string) {
        rawLogs.push(line);
        logs.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
    secrets: [options.apiToken, ...apiKeys],
  });
  const orchestrator = new OrchestratorClient({
    url: options.orchestratorUrl,
    apiToken: options.apiToken,
    readTimeoutMs: options.readTimeoutMs ?? 5000,
    writeTimeoutMs: options.writeTimeoutMs ?? 5000,
    userAgent: 'api-gateway-test',
  });
  const app = await buildApp({
    logger,
    orchestrator,
    version: options.version ?? '1.2.3-test',
    apiKeys,
    rateLimit: options.rateLimit ?? { max: 1000, windowSeconds: 60 },
    corsOrigins: options.corsOrigins ?? [],
    trustProxy: options.trustProxy ?? false,
    webhookSecret: options.webhookSecret ?? null,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.forwarder ? { forwarder: options.forwarder } : {}),
    ...(options.health ? { health: options.health } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  if (options.listen === true) await app.listen({ host: '127.0.0.1', port: 0 });
  else await app.ready();
  return {
    app,
    orchestrator,
    logs,
    rawLogs,
    async close() {
      await app.close();
      await orchestrator.close();
    },
  };
}

/** The `Authorization` header for a key. */
export const bearer = (key: string = API_KEY): { authorization: string } => ({
  authorization: `Bearer ${key}`,
});
