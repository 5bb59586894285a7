import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runner } from '@gha-ephemeral/contract';
import { startGitHubSim, type GitHubSim } from '@gha-ephemeral/github-sim';
import { DockerRuntime } from '@gha-ephemeral/runtime-docker';
import { removeContainersByLabel, uniqueId, waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TOKEN, type Harness } from './harness.js';

const docker = new Dockerode();
const TEST_LABEL = 'gha-ephemeral.test';
const runId = uniqueId('dind-jobs');

/** A job step that builds an image from the runner's static busybox and runs it on the runner's own engine. */
const DOCKER_STEP =
  'tar -C / -cf - bin/busybox | docker import - step-image:1 >/dev/null && docker run --rm step-image:1 /bin/busybox echo hi-from-a-nested-container && docker ps -a --format "{{.Names}}" | wc -l';

describe('Docker in jobs: a pool with docker: dind (real engine, simulator, a Docker engine per runner)', () => {
  const network = `gha-dind-${runId}`;
  let sim: GitHubSim;
  let h: Harness;

  beforeAll(async () => {
    const runtime = new DockerRuntime({ pullTimeoutMs: 0 });
    await runtime.ensureNetwork(network, { labels: { [TEST_LABEL]: runId } });
    const info = await docker.getNetwork(network).inspect();
    const gateway = info.IPAM?.Config?.[0]?.Gateway ?? '';
    sim = await startGitHubSim({ tokens: { [TOKEN]: { login: 'octo' } }, host: gateway });
    sim.control.createRepo({ owner: 'octo', name: 'app' });
    const file = join(mkdtempSync(join(tmpdir(), 'pools-')), 'pools.yaml');
    writeFileSync(
      file,
      `pools:\n  - name: builders\n    labels: [docker]\n    docker: dind\n    network: ${network}\n`,
    );
    h = await startHarness({ RUNNER_POOLS_FILE: file }, { sim });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await sim?.close();
    await removeContainersByLabel(TEST_LABEL, runId);
    await docker
      .getNetwork(network)
      .remove()
      .catch(() => undefined);
  });

  it("runs a job step's docker run on the runner's own engine, and removes the engine with the runner", async () => {
    const created = await h.orchestrator.app.inject({
      method: 'POST',
      url: '/api/v1/runners',
      payload: { repository: 'octo/app', labels: ['docker'], pool: 'builders' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const runner = created.json<{ runners: Runner[] }>().runners[0]!;
    expect(runner.pool).toBe('builders');
    const engine = `${runner.id}-docker`;
    expect((await docker.getContainer(engine).inspect()).State.Running).toBe(true);
    // The runner's environment points at its engine, never at the host's socket.
    const env = (await docker.getContainer(runner.containerId).inspect()).Config.Env ?? [];
    expect(env).toContain(`DOCKER_HOST=tcp://${engine}:2375`);
    const { jobId } = h.sim.control.queueJob({
      repo: 'octo/app',
      labels: ['self-hosted', 'docker'],
      steps: [DOCKER_STEP],
    });
    const job = await h.sim.control.waitForJob(jobId, 'completed', { timeoutMs: 60_000 });
    const log = h.sim.control.getJobLog(jobId) ?? '';
    expect(job.conclusion, log).toBe('success');
    expect(log).toContain('hi-from-a-nested-container');
    // The engine saw only the job's own container: none of the host's (the runner itself among them).
    expect(log).toMatch(/^0$/m);
    // The engine and its private network go with the runner (the network a moment after the engine).
    const gone = async () =>
      (await docker.listContainers({ all: true, filters: { name: [engine] } })).length === 0 &&
      (await docker.listNetworks({ filters: { name: [`${runner.id}-docker-net`] } })).length === 0;
    await waitFor(gone, {
      timeoutMs: 30_000,
      message: 'the engine and its network to be removed with the runner',
    });
  }, 120_000);
});
