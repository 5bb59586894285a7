import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { uniqueId, waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, startHarnessSim, type Harness } from './harness.js';

// A pool registered as a runner scale set, end to end: the simulator's Actions service assigns jobs to the scale
// set, the listener long-polls it, the reconciler starts just-in-time runners of the scale set on the real engine.
const docker = new Dockerode();

function poolFile(name: string, extra = ''): string {
  const file = join(mkdtempSync(join(tmpdir(), 'scale-sets-')), 'pools.yaml');
  writeFileSync(
    file,
    `pools:\n  - name: ${name}\n    scaleSet: true\n    scope: { repository: octo/app }\n    max: 8\n${extra}`,
  );
  return file;
}

async function liveContainers(orchestratorId: string): Promise<string[]> {
  const listed = await docker.listContainers({
    all: true,
    filters: { label: [`gha-ephemeral.orchestrator=${orchestratorId}`], status: ['created', 'running'] },
  });
  return listed.map((c) => c.Labels['gha-ephemeral.runner'] ?? '');
}

const listenerState = (h: Harness, pool: string) =>
  h.orchestrator.scaleSets?.statuses().find((status) => status.pool === pool)?.state;

describe('scale-set mode (real engine, simulator)', () => {
  let sim: GitHubSim;
  let h: Harness;
  const env = (name: string) => ({
    AUTO_CREATE_RUNNERS: 'true',
    RUNNER_POOLS_FILE: poolFile(name),
    ORCHESTRATOR_ID: uniqueId('sset'),
  });

  beforeAll(async () => {
    sim = await startHarnessSim(false);
    sim.control.createRepo({ owner: 'octo', name: 'app' });
    // Short long polls keep the shutdown quick; assignment waits long enough for a runner to start.
    sim.control.setScaleSetOptions({ longPollMs: 2_000, assignTimeoutMs: 60_000 });
    h = await startHarness(env('linux-set'), { sim });
    await waitFor(() => listenerState(h, 'linux-set') === 'listening', {
      timeoutMs: 20_000,
      message: 'the listener to listen',
    });
  });
  afterAll(async () => {
    await h?.close();
    await sim?.close();
  });

  it('registers the pool as a scale set, one long poll, no REST polling', async () => {
    const [set] = sim.control.listScaleSets();
    expect(set).toMatchObject({ name: 'linux-set', labels: ['linux-set'], scope: { repo: 'octo/app' } });
    expect(set!.session?.ownerName).toBe(h.orchestratorId);
    await waitFor(() => (sim.control.listScaleSets()[0]?.openPolls ?? 0) === 1, {
      timeoutMs: 5_000,
      message: 'a long poll to be open',
    });
    expect(set!.lastMaxCapacity ?? sim.control.listScaleSets()[0]!.lastMaxCapacity).toBe(8);
    const counts = sim.control.requestCounts();
    const restPolls = Object.entries(counts.byRoute ?? {}).filter(([route]) =>
      /actions\/runs|\/jobs/.test(route),
    );
    expect(restPolls).toEqual([]);
  });

  it('serves a burst with exactly one runner per assigned job, and none left over', async () => {
    const jobs = Array.from({ length: 5 }, () =>
      sim.control.queueJob({ repo: 'octo/app', labels: ['linux-set'] }),
    );
    const done = await Promise.all(
      jobs.map(({ jobId }) => sim.control.waitForJob(jobId, 'completed', { timeoutMs: 60_000 })),
    );
    expect(done.map((job) => job.conclusion)).toEqual(Array(5).fill('success'));
    const runners = new Set(done.map((job) => job.runnerName));
    expect(runners.size).toBe(5);
    await waitFor(async () => (await liveContainers(h.orchestratorId)).length === 0, {
      timeoutMs: 30_000,
      message: 'every runner to be gone',
    });
    await waitFor(() => sim.control.listScaleSets()[0]!.runnerIds.length === 0, {
      timeoutMs: 30_000,
      message: 'every registration to be gone',
    });
    const status = h.orchestrator.scaleSets!.statuses()[0]!;
    expect(status.statistics?.totalAssignedJobs).toBe(0);
    expect(status.desired).toBe(0);
  });

  it('leaves a job whose labels no scale set has alone', async () => {
    const stray = sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', 'gpu'] });
    const served = sim.control.queueJob({ repo: 'octo/app', labels: ['linux-set'] });
    await sim.control.waitForJob(served.jobId, 'completed', { timeoutMs: 60_000 });
    expect(sim.control.getJob(stray.jobId)?.status).toBe('queued');
    sim.control.cancelJob(stray.jobId);
  });
});
