import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionsServiceClient } from '@gha-ephemeral/github';
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
import { isOwnRunnerName, makeRunnerName } from '../src/fleet/naming.js';
import { MAIN, startOrchestrator, stop, type Process } from './child-orchestrator.js';
import { TOKEN } from './harness.js';

// A scale-set orchestrator killed with SIGKILL while its runners run jobs and more jobs are assigned: the restart
// finds the scale set again, closes its own stale session at once (the session journal), serves every assigned
// job, and leaves no container and no registration behind.
const docker = new Dockerode();

describe('scale-set mode after a SIGKILL', () => {
  let sim: GitHubSim;
  const orchestratorId = uniqueId('ssrec');
  let orchestrator: Process | undefined;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run pnpm build first`);
    sim = await startGitHubSim({ tokens: { [TOKEN]: { login: 'octo' } } });
    sim.control.createRepo({ owner: 'octo', name: 'app' });
    // A session left by the crash would block a new one for ten minutes: only the journal gets past it in time.
    sim.control.setScaleSetOptions({
      longPollMs: 2_000,
      sessionIdleTimeoutMs: 600_000,
      assignTimeoutMs: 120_000,
    });
  });
  afterAll(async () => {
    await stop(orchestrator);
    await removeContainersByLabel(`gha-ephemeral.orchestrator=${orchestratorId}`);
    await sim?.close();
  });

  it('finds the scale set, replaces its session, serves every assigned job, and leaves nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssrec-'));
    const poolFile = join(dir, 'pools.yaml');
    writeFileSync(
      poolFile,
      'pools:\n  - name: rec-set\n    scaleSet: true\n    scope: { repository: octo/app }\n',
    );
    const env = {
      GITHUB_API_URL: sim.apiUrl,
      GITHUB_RUNNER_TOKEN: TOKEN,
      RUNNER_IMAGE: STAND_IN_RUNNER_IMAGE,
      RUNNER_NETWORK: 'host',
      ORCHESTRATOR_ID: orchestratorId,
      ORCHESTRATOR_STATE_DIR: join(dir, 'state'),
      ORCHESTRATOR_HOST: '127.0.0.1',
      ORCHESTRATOR_PORT: String(await freePort()),
      RUNNER_PURGE_INTERVAL: '5',
      AUTO_CREATE_RUNNERS: 'true',
      RUNNER_POOLS_FILE: poolFile,
      LOG_FORMAT: 'json',
    };
    const session = () => sim.control.listScaleSets()[0]?.session ?? null;
    orchestrator = startOrchestrator(env);
    await waitFor(() => (sim.control.listScaleSets()[0]?.openPolls ?? 0) === 1, {
      timeoutMs: 30_000,
      message: 'the first orchestrator to listen',
    });
    const firstSession = session()!.sessionId;
    const running = [1, 2].map(() =>
      sim.control.queueJob({ repo: 'octo/app', labels: ['rec-set'], steps: ['sleep 3'] }),
    );
    for (const { jobId } of running)
      await sim.control.waitForJob(jobId, 'in_progress', { timeoutMs: 30_000 });
    orchestrator.child.kill('SIGKILL');
    await orchestrator.exited;

    // While it is down: two more jobs are assigned, and a registration of its own is left without a container.
    const waiting = [1, 2].map(() => sim.control.queueJob({ repo: 'octo/app', labels: ['rec-set'] }));
    const client = new ActionsServiceClient({
      restBaseUrl: sim.apiUrl,
      webUrl: new URL(sim.apiUrl).origin,
      scope: { kind: 'repository', owner: 'octo', repo: 'app' },
      userAgent: 'test',
      registrationToken: async () => {
        const answer = await fetch(`${sim.apiUrl}/repos/octo/app/actions/runners/registration-token`, {
          method: 'POST',
          headers: { authorization: `token ${TOKEN}` },
        });
        return ((await answer.json()) as { token: string }).token;
      },
    });
    const stray = makeRunnerName('octo/app', orchestratorId);
    await client.generateJitConfig(sim.control.listScaleSets()[0]!.id, stray, '_work');
    expect(session()?.live).toBe(true);

    orchestrator = startOrchestrator(env);
    await waitFor(() => session()?.sessionId !== firstSession && session()?.live === true, {
      timeoutMs: 30_000,
      message: 'the restarted orchestrator to replace its stale session',
    });
    expect(session()!.ownerName).toBe(orchestratorId);
    expect(sim.control.listScaleSets()).toHaveLength(1);
    for (const { jobId } of [...running, ...waiting]) {
      const job = await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 60_000 });
      expect(job.conclusion).toBe('success');
    }
    await waitFor(
      async () => {
        const containers = await docker.listContainers({
          all: true,
          filters: { label: [`gha-ephemeral.orchestrator=${orchestratorId}`] },
        });
        const registrations = sim.control
          .listRunners({ repo: 'octo/app' })
          .filter((runner) => isOwnRunnerName(runner.name, orchestratorId));
        return containers.length === 0 && registrations.length === 0;
      },
      { timeoutMs: 60_000, message: 'no container and no registration of its own to be left' },
    );
  });
});
