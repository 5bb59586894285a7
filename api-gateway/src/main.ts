import { createLogger } from '@gha-ephemeral/logging';
import { buildApp } from './app.js';
import { loadGatewayConfig, redactedGatewayConfig, type GatewayConfig } from './config.js';
import { BatchedLogSink } from './log-sink.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { OrchestratorClient } from './upstream/orchestrator-client.js';
import { VERSION } from './version.js';

function readConfig(): GatewayConfig {
  try {
    return loadGatewayConfig();
  } catch (error) {
    // The logger is not configured yet (its settings are part of what failed): plain stderr, one message.
    process.stderr.write(`❌ api-gateway cannot start: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const version = config.APP_VERSION ?? VERSION;
  const sink = new BatchedLogSink(process.stdout);
  process.once('exit', () => sink.flush());
  const { logger } = createLogger({
    service: 'api-gateway',
    destination: sink,
    level: config.LOG_LEVEL,
    verbose: config.LOG_VERBOSE,
    format: config.LOG_FORMAT,
    secrets: [config.ORCHESTRATOR_API_TOKEN, config.GITHUB_WEBHOOK_SECRET, ...config.GATEWAY_API_KEYS],
  });
  logger.info({ category: 'START', version }, 'api-gateway starting');
  logger.info({ category: 'CONFIG', config: redactedGatewayConfig(config) }, 'configuration');

  const orchestrator = new OrchestratorClient({
    url: config.ORCHESTRATOR_URL,
    apiToken: config.ORCHESTRATOR_API_TOKEN,
    readTimeoutMs: config.ORCHESTRATOR_TIMEOUT * 1000,
    writeTimeoutMs: config.ORCHESTRATOR_WRITE_TIMEOUT * 1000,
    userAgent: `gha-ephemeral-api-gateway/${version}`,
  });
  const app = await buildApp({
    logger,
    orchestrator,
    version,
    apiKeys: config.GATEWAY_API_KEYS,
    rateLimit: {
      max: config.RATE_LIMIT_MAX,
      windowSeconds: config.RATE_LIMIT_WINDOW,
      healthMax: config.RATE_LIMIT_HEALTH_MAX,
    },
    corsOrigins: config.CORS_ORIGINS,
    trustProxy: config.TRUST_PROXY,
    webhookSecret: config.GITHUB_WEBHOOK_SECRET ?? null,
    metrics: new GatewayMetrics({ processMetrics: true }),
  });
  const address = await app.listen({ host: config.API_GATEWAY_HOST, port: config.API_GATEWAY_PORT });
  logger.info({ category: 'SUCCESS', address, orchestrator: orchestrator.url }, 'api-gateway listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ category: 'SHUTDOWN', signal }, 'api-gateway stopping');
    // Requests in flight finish (new ones get 503), then the pool to the orchestrator closes.
    void app
      .close()
      .then(() => orchestrator.close())
      .then(
        () => {
          logger.info({ category: 'SHUTDOWN' }, 'api-gateway stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ category: 'ERROR', err: error }, 'api-gateway did not stop cleanly');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
