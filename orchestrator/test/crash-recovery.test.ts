import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubSim, type GitHubSim } from '@gha-ephemeral/github-sim';
import {
  freePort,
  removeContainersByLabel,
  STAND_IN_RUNNER_IMAGE,
  uniqueId,
  waitFor,
} from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOwnRunnerName } from '../src/fleet/naming.js';
import { MYOUNG34_TEMPLATE } from '../src/fleet/template.js';
import { TOKEN } from './harness.js';
import { MAIN, startOrchestrator, stop, type Process } from './child-orchestrator.js';

const docker = new Dockerode();

const TEMPLATES = {
  // myoung34's own entrypoint with a registration token, as `runnerenv_*` variables.
  token: Object.fromEntries(
    Object.entries(MYOUNG34_TEMPLATE).map(([name, value]) => [`runnerenv_${name}`, value]),
  ),
  // The built-in template.
  'just-in-time': {},
} as const;
const STEPS = ['after-credentials', 'after-create', 'after-start'] as const;

/** A built orchestrator on 127.0.0.1:`port` against the simulator, stand-in runners on the host network. */
function orchestratorEnv(sim: GitHubSim, orchestratorId: string, port: number): Record<string, string> {
  return {
    GITHUB_API_URL: sim.apiUrl,
    GITHUB_RUNNER_TOKEN: TOKEN,
    RUNNER_IMAGE: STAND_IN_RUNNER_IMAGE,
    RUNNER_NETWORK: 'host',
    ORCHESTRATOR_ID: orchestratorId,
    ORCHESTRATOR_HOST: '127.0.0.1',
    ORCHESTRATOR_PORT: String(port),
    RUNNER_PURGE_INTERVAL: '5',
    LOG_FORMAT: 'json',
  };
}

const workflow = `name: CI\non: [push]\njobs:\n  build:\n    runs-on: self-hosted\n    steps:\n      - run: echo hi\n`;

/** What a crash may leave that a restart must clean: read from Docker and the simulator. */
async function leftovers(sim: GitHubSim, orchestratorId: string) {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`gha-ephemeral.orchestrator=${orchestratorId}`] },
  });
  const names = new Set(containers.map((c) => c.Labels['gha-ephemeral.runner'] ?? ''));
  const registrations = sim.control
    .listRunners({ repo: 'octo/app' })
    .filter((runner) => isOwnRunnerName(runner.name, orchestratorId));
  return {
    unstarted: containers.filter((c) => c.State === 'created').length,
    withoutRegistration: containers.filter(
      (c) =>
        c.State === 'running' &&
        sim.control.getRunnerByName(c.Labels['gha-ephemeral.runner'] ?? '') === undefined,
    ).length,
    registrationsWithoutContainer: registrations.filter((r) => !names.has(r.name)).length,
  };
}

describe('crash at every step of a creation: a restart leaves nothing half-made and serves the job', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run pnpm build first`);
  });
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  for (const [template, templateEnv] of Object.entries(TEMPLATES)) {
    for (const step of STEPS) {
      it(`${template} template, killed ${step}`, async () => {
        const sim = await startGitHubSim({ tokens: { [TOKEN]: { login: 'octo' } } });
        sim.control.createRepo({
          owner: 'octo',
          name: 'app',
          workflows: [{ path: '.github/workflows/ci.yml', content: workflow }],
        });
        const orchestratorId = uniqueId('crash');
        let orchestrator: Process | undefined;
        cleanups.push(async () => {
          await stop(orchestrator);
          await removeContainersByLabel('gha-ephemeral.orchestrator', orchestratorId);
          await sim.close();
        });
        const port = await freePort();
        const env = {
          ...orchestratorEnv(sim, orchestratorId, port),
          AUTO_CREATE_RUNNERS: 'true',
          RUNNER_CHECK_INTERVAL: '2',
          ...templateEnv,
        };
        const { jobId } = sim.control.queueJob({
          repo: 'octo/app',
          workflowName: 'CI',
          labels: ['self-hosted'],
          durationMs: 200,
        });
        orchestrator = startOrchestrator({ ...env, GHA_EPHEMERAL_CRASH_AT: step });
        const ended = await Promise.race([
          orchestrator.exited,
          new Promise((resolve) => setTimeout(() => resolve('still running'), 45_000)),
        ]);
        expect(ended, orchestrator.output.join('')).toBe('SIGKILL');

        orchestrator = startOrchestrator(env);
        await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 60_000 });
        await waitFor(
          async () => {
            const left = await leftovers(sim, orchestratorId);
            return left.unstarted + left.withoutRegistration + left.registrationsWithoutContainer === 0;
          },
          { timeoutMs: 30_000, message: `a restart after a crash ${step} left something half-made` },
        );
        // The job was served by a runner of this orchestrator.
        const job = sim.control.listJobs({ status: 'completed' }).find((j) => j.id === jobId);
        expect(isOwnRunnerName(job?.runnerName ?? '', orchestratorId)).toBe(true);
      }, 150_000);
    }
  }
});

describe('manual mode: a crash after a just-in-time registration', () => {
  it('is cleaned after a restart, though nothing but the registration names its scope', async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run pnpm build first`);
    const sim = await startGitHubSim({ tokens: { [TOKEN]: { login: 'octo' } } });
    sim.control.createRepo({ owner: 'octo', name: 'app' });
    const orchestratorId = uniqueId('crash-manual');
    const port = await freePort();
    const env = {
      ...orchestratorEnv(sim, orchestratorId, port),
      // Where the scopes runners were registered in are kept: the restart reads them back.
      ORCHESTRATOR_STATE_DIR: mkdtempSync(join(tmpdir(), 'gha-ephemeral-state-')),
    };
    let orchestrator = startOrchestrator({ ...env, GHA_EPHEMERAL_CRASH_AT: 'after-credentials' });
    try {
      await waitFor(
        () =>
          fetch(`http://127.0.0.1:${port}/health`).then(
            () => true,
            () => false,
          ),
        { timeoutMs: 30_000, message: 'the orchestrator to listen' },
      );
      await fetch(`http://127.0.0.1:${port}/api/v1/runners`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ repository: 'octo/app', count: 1 }),
      }).catch(() => undefined); // the process dies while answering
      expect(await orchestrator.exited, orchestrator.output.join('')).toBe('SIGKILL');
      expect((await leftovers(sim, orchestratorId)).registrationsWithoutContainer).toBe(1);

      orchestrator = startOrchestrator(env);
      await waitFor(async () => (await leftovers(sim, orchestratorId)).registrationsWithoutContainer === 0, {
        timeoutMs: 30_000,
        message: 'the registration left by the crash to be deleted',
      });
    } finally {
      await stop(orchestrator);
      await removeContainersByLabel('gha-ephemeral.orchestrator', orchestratorId);
      await sim.close();
    }
  }, 90_000);
});
