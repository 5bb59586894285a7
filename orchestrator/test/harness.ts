import { Writable } from 'node:stream';
import { startGitHubSim, type GitHubSim } from '@gha-ephemeral/github-sim';
import { createLogger, type Redactor } from '@gha-ephemeral/logging';
import { DockerRuntime, type RunnerRuntime } from '@gha-ephemeral/runtime-docker';
import {
  ensureTrustingRunnerImage,
  issueServerCertificate,
  removeContainersByLabel,
  removeNetworksByLabel,
  STAND_IN_RUNNER_IMAGE,
  testCa,
  uniqueId,
} from '@gha-ephemeral/testkit';
import { loadOrchestratorConfig } from '../src/config.js';
import { MYOUNG34_TEMPLATE } from '../src/fleet/template.js';
import { createOrchestrator, type Orchestrator } from '../src/server.js';

export const TOKEN = `ghp_${'t3st'.repeat(9)}`;

/** The registration-token preset for myoung34/github-runner's own entrypoint, as `runnerenv_*` variables. */
export const MYOUNG34_PRESET: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(MYOUNG34_TEMPLATE).map(([name, value]) => [`runnerenv_${name}`, value]),
);

/** Everything the orchestrator wrote to its log, as text. */
export class LogCapture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface Harness {
  sim: GitHubSim;
  orchestrator: Orchestrator;
  orchestratorId: string;
  log: LogCapture;
  /** The logger's redactor: what it hides now. */
  redactor: Redactor;
  runtime: RunnerRuntime;
  /** Stops the orchestrator as a restart would: its runners stay, for the next one to find. */
  stop(): Promise<void>;
  /** Stops it and removes its runners (and the simulator it started). */
  close(): Promise<void>;
}

/** A simulator that accepts {@link TOKEN} as octo's, over HTTPS with the test CA when `tls`. */
export async function startHarnessSim(tls: boolean): Promise<GitHubSim> {
  return startGitHubSim({
    tokens: { [TOKEN]: { login: 'octo' } },
    ...(tls ? { tls: await issueServerCertificate(testCa()) } : {}),
  });
}

/**
 * A real orchestrator (real Docker engine, real Octokit) wired to a fresh GitHub simulator, with runners of the
 * stand-in image on the host network so they reach the simulator on 127.0.0.1. Each harness has its own
 * ORCHESTRATOR_ID, so parallel test files never see each other's containers.
 */
export async function startHarness(
  env: Record<string, string> = {},
  overrides: {
    runtime?: RunnerRuntime;
    sim?: GitHubSim;
    autoCheck?: boolean;
    /** How long before `expires_at` the orchestrator replaces an App installation token (default 5 minutes). */
    appTokenRefreshMarginMs?: number;
    /**
     * HTTPS as on GitHub: a simulator with a certificate of the run's test CA (unless `sim` is given) and runners
     * of the stand-in image that trusts it. Organization runners of the myoung34 entrypoint need it.
     */
    tls?: boolean;
    /** How long a scale-set listener waits while another holds the session (default 30 s). */
    scaleSetConflictRetryMs?: number;
  } = {},
): Promise<Harness> {
  const sim = overrides.sim ?? (await startHarnessSim(overrides.tls ?? false));
  const config = loadOrchestratorConfig({
    GITHUB_RUNNER_TOKEN: TOKEN,
    GITHUB_API_URL: sim.apiUrl,
    RUNNER_IMAGE: overrides.tls ? await ensureTrustingRunnerImage() : STAND_IN_RUNNER_IMAGE,
    RUNNER_NETWORK: 'host',
    ORCHESTRATOR_ID: uniqueId('orch'),
    RUNNER_PURGE_INTERVAL: '30',
    LOG_LEVEL: 'DEBUG',
    LOG_FORMAT: 'json',
    ...env,
  });
  // The id in force (a test may give its own, to restart an orchestrator over the same runners): what close() removes.
  const orchestratorId = config.ORCHESTRATOR_ID;
  const log = new LogCapture();
  const { logger, redactor } = createLogger({
    service: 'orchestrator',
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
    destination: log,
    secrets: [TOKEN],
  });
  const runtime = overrides.runtime ?? new DockerRuntime({ pullTimeoutMs: 0 });
  const orchestrator = await createOrchestrator(config, {
    logger,
    version: 'test',
    onSecret: (secret, options) => redactor.add(secret, options),
    runtime,
    ...(overrides.appTokenRefreshMarginMs === undefined
      ? {}
      : { appTokenRefreshMarginMs: overrides.appTokenRefreshMarginMs }),
    ...(overrides.scaleSetConflictRetryMs === undefined
      ? {}
      : { scaleSetConflictRetryMs: overrides.scaleSetConflictRetryMs }),
  });
  const loops = orchestrator.startLoops({ autoCheck: overrides.autoCheck ?? false });
  return {
    sim,
    orchestrator,
    orchestratorId,
    log,
    redactor,
    runtime,
    async stop() {
      await loops.stop();
      await orchestrator.app.close();
    },
    async close() {
      await loops.stop();
      await orchestrator.app.close();
      await removeContainersByLabel('gha-ephemeral.orchestrator', orchestratorId);
      // A runner's Docker engine has a private network with the same label.
      await removeNetworksByLabel('gha-ephemeral.orchestrator', orchestratorId);
      if (!overrides.sim) await sim.close();
    },
  };
}
