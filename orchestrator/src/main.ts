import { createLogger } from '@gha-ephemeral/logging';
import { loadOrchestratorConfig, redactedOrchestratorConfig, type OrchestratorConfig } from './config.js';
import { OrchestratorMetrics } from './metrics/orchestrator-metrics.js';
import type { CrashStep } from './fleet/runner-service.js';
import { createOrchestrator } from './server.js';
import { VERSION } from './version.js';

function readConfig(): OrchestratorConfig {
  try {
    return loadOrchestratorConfig();
  } catch (error) {
    // The logger is not configured yet (its settings are part of what failed): plain stderr, one message.
    process.stderr.write(`❌ orchestrator cannot start: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

/** The test-only fault hook's step, from `GHA_EPHEMERAL_CRASH_AT`; anything else is no step. */
function crashStep(value: string | undefined): CrashStep | null {
  const steps: readonly string[] = ['after-credentials', 'after-create', 'after-start'];
  return value !== undefined && steps.includes(value) ? (value as CrashStep) : null;
}

async function main(): Promise<void> {
  const config = readConfig();
  const version = config.APP_VERSION ?? VERSION;
  const { logger, redactor } = createLogger({
    service: 'orchestrator',
    level: config.LOG_LEVEL,
    verbose: config.LOG_VERBOSE,
    format: config.LOG_FORMAT,
    secrets: [
      config.GITHUB_RUNNER_TOKEN,
      config.GITHUB_APP_PRIVATE_KEY,
      config.githubApp?.privateKey,
      config.ORCHESTRATOR_API_TOKEN,
    ].filter((s): s is string => Boolean(s)),
  });
  logger.info({ category: 'START', version }, 'orchestrator starting');
  logger.info({ category: 'CONFIG', config: redactedOrchestratorConfig(config) }, 'configuration');
  if (!config.ORCHESTRATOR_API_TOKEN) {
    // Not refused: tests and a loopback-only run need no token. Compose always gives one (made at the first start).
    logger.warn(
      { category: 'WARNING', host: config.ORCHESTRATOR_HOST },
      'ORCHESTRATOR_API_TOKEN is unset: anyone who can reach this port can start runners and run code on this host; set it (or ORCHESTRATOR_API_TOKEN_FILE) on the orchestrator and the gateway',
    );
  }

  const orchestrator = await createOrchestrator(config, {
    logger,
    version,
    onSecret: (secret, options) => redactor.add(secret, options),
    metrics: new OrchestratorMetrics({ processMetrics: true }),
    crashAt: crashStep(process.env.GHA_EPHEMERAL_CRASH_AT),
  });
  const loops = orchestrator.startLoops();
  const address = await orchestrator.app.listen({
    host: config.ORCHESTRATOR_HOST,
    port: config.ORCHESTRATOR_PORT,
  });
  logger.info({ category: 'SUCCESS', address }, 'orchestrator listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ category: 'SHUTDOWN', signal }, 'orchestrator stopping');
    // Past the deadline the process ends anyway (compose's SIGKILL would come next); what a creation left half
    // made, the next start's upkeep removes.
    const deadline = setTimeout(() => {
      logger.warn(
        { category: 'SHUTDOWN', seconds: config.SHUTDOWN_TIMEOUT },
        'shutdown deadline passed; stopping now (the next start cleans up what is left)',
      );
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT * 1000);
    deadline.unref();
    // Runner containers keep running: Docker is the record, and the next start finds them by their labels.
    void loops
      .stop()
      .then(() => orchestrator.app.close())
      .then(() => {
        logger.info({ category: 'SHUTDOWN' }, 'orchestrator stopped');
        process.exit(0);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
