import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PoolList } from '@gha-ephemeral/contract';
import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { STAND_IN_RUNNER_IMAGE, uniqueId, waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, startHarnessSim, type Harness } from './harness.js';
import { sampleValue } from './prometheus.js';

const docker = new Dockerode();
const BIG_IMAGE = 'gha-ephemeral/stand-in-runner:pools-big';
const workflow = `name: CI\non: [push]\njobs:\n  build:\n    runs-on: self-hosted\n    steps:\n      - run: echo hi\n`;

const POOL_FILE = `
pools:
  - name: small
    labels: [small]
    max: 3
  - name: big
    labels: [big]
    image: ${BIG_IMAGE}
    resources: { memory: 1g, cpus: 1, pids: 512 }
  - name: warm
    labels: [warm]
    minIdle: 2
    scope: { repository: octo/app }
`;

interface Live {
  name: string;
  pool: string;
  image: string;
  jobId: string | undefined;
  memory: number;
}

async function live(orchestratorId: string): Promise<Live[]> {
  const listed = await docker.listContainers({
    all: true,
    filters: { label: [`gha-ephemeral.orchestrator=${orchestratorId}`], status: ['created', 'running'] },
  });
  return Promise.all(
    listed.map(async (c) => ({
      name: c.Labels['gha-ephemeral.runner'] ?? '',
      pool: c.Labels['gha-ephemeral.pool'] ?? '',
      image: c.Image,
      jobId: c.Labels['gha-ephemeral.job-id'],
      memory: (await docker.getContainer(c.Id).inspect()).HostConfig.Memory ?? 0,
    })),
  );
}

async function pass(h: Harness) {
  const auto = h.orchestrator.auto!;
  return auto.reconciler.reconcile(await auto.poller.poll());
}

describe('runner pools (real engine, simulator, a pool file)', () => {
  let sim: GitHubSim;
  let h: Harness;
  const orchestratorId = uniqueId('pools');
  let env: Record<string, string>;

  beforeAll(async () => {
    await docker
      .getImage(STAND_IN_RUNNER_IMAGE)
      .tag({ repo: 'gha-ephemeral/stand-in-runner', tag: 'pools-big' });
    const file = join(mkdtempSync(join(tmpdir(), 'pools-')), 'pools.yaml');
    writeFileSync(file, POOL_FILE);
    sim = await startHarnessSim(false);
    sim.control.createRepo({
      owner: 'octo',
      name: 'app',
      workflows: [{ path: '.github/workflows/ci.yml', content: workflow }],
    });
    env = { AUTO_CREATE_RUNNERS: 'true', RUNNER_POOLS_FILE: file, ORCHESTRATOR_ID: orchestratorId };
    h = await startHarness(env, { sim });
  });
  afterAll(async () => {
    await h?.close();
    await sim?.close();
    await docker
      .getImage(BIG_IMAGE)
      .remove({ noprune: true })
      .catch(() => undefined);
  });

  it('starts each job on the first pool that fits it, with its image and limits, and none for a job no pool fits', async () => {
    const small = sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', 'SMALL'] });
    const big = sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', 'big'] });
    const gpu = sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', 'gpu'] });
    const result = await pass(h);
    expect(result.plan.unmatchedJobs).toBe(1);
    const runners = await live(orchestratorId);
    const forJob = (id: number) => runners.find((r) => r.jobId === String(id));
    expect(forJob(small.jobId)).toMatchObject({ pool: 'small', image: STAND_IN_RUNNER_IMAGE });
    expect(forJob(big.jobId)).toMatchObject({ pool: 'big', image: BIG_IMAGE, memory: 1024 ** 3 });
    expect(forJob(gpu.jobId)).toBeUndefined();
    for (const { jobId } of [small, big])
      await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 30_000 });
    expect(sim.control.getJob(gpu.jobId)?.status).toBe('queued');
  });

  it('keeps two warm runners, and refills the pool when a job takes one', async () => {
    await pass(h);
    const warm = async () => (await live(orchestratorId)).filter((r) => r.pool === 'warm');
    expect(await warm()).toHaveLength(2);
    await waitFor(
      async () => (await warm()).every((r) => sim.control.getRunnerByName(r.name)?.status === 'online'),
      { timeoutMs: 30_000, message: 'the warm runners to come online' },
    );
    const warmNames = (await warm()).map((r) => r.name);
    const { jobId } = sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', 'warm'] });
    const job = await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 30_000 });
    expect(warmNames).toContain(job.runnerName); // a warm runner took it, with no pass in between
    await waitFor(async () => !(await live(orchestratorId)).some((r) => r.name === job.runnerName), {
      timeoutMs: 20_000,
      message: 'the runner that ran the job to be removed',
    });
    const refill = await pass(h);
    expect(refill.created).toBe(1);
    expect(await warm()).toHaveLength(2);

    const pools = await h.orchestrator.app.inject({ method: 'GET', url: '/api/v1/pools' });
    const warmPool = pools.json<PoolList>().pools.find((pool) => pool.name === 'warm');
    expect(warmPool).toMatchObject({ minIdle: 2, scope: { kind: 'repository', target: 'octo/app' } });
    expect(warmPool!.runners.idle + warmPool!.runners.starting + warmPool!.runners.offline).toBe(2);

    const metrics = (await h.orchestrator.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sampleValue(metrics, 'gha_ephemeral_pool_min_idle', { pool: 'warm' })).toBe(2);
    expect(sampleValue(metrics, 'gha_ephemeral_pool_max', { pool: 'small' })).toBe(3);
    expect(sampleValue(metrics, 'gha_ephemeral_pool_desired_runners', { pool: 'warm' })).toBe(2);
    expect(sampleValue(metrics, 'gha_ephemeral_pool_jobs_served_total', { pool: 'big' })).toBe(1);
    const warmLive = ['starting', 'idle', 'offline'].map(
      (state) => sampleValue(metrics, 'gha_ephemeral_pool_runners', { pool: 'warm', state }) ?? 0,
    );
    expect(warmLive.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('keeps minIdle across a restart without doubling it', async () => {
    const again = await startHarness(env, { sim });
    try {
      const result = await pass(again);
      expect(result.created).toBe(0);
      expect((await live(orchestratorId)).filter((r) => r.pool === 'warm')).toHaveLength(2);
    } finally {
      await again.close();
    }
  });

  it("holds the API's runners and the loop's to the pool's max, counted together", async () => {
    const post = (count: number) =>
      h.orchestrator.app.inject({
        method: 'POST',
        url: '/api/v1/runners',
        payload: { repository: 'octo/app', pool: 'small', count },
      });
    const tooMany = await post(4);
    expect(tooMany.statusCode).toBe(429);
    expect(tooMany.json<{ message: string }>().message).toMatch(/Pool "small" has max 3/);
    const two = await post(2);
    expect(two.statusCode).toBe(201);
    const second = await post(2);
    expect(second.statusCode).toBe(429);
    // The loop counts them too: of four small jobs, the two runners cover two, and one more fits under max 3.
    const jobs = [1, 2, 3, 4].map(() =>
      sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', 'small'] }),
    );
    const { plan } = await pass(h);
    expect(plan.actions.filter((a) => a.kind === 'create' && a.pool === 'small')).toHaveLength(1);
    // At least one waits; more when the poll saw jobs still queued that the two runners took a moment later.
    expect(plan.deferredJobs).toBeGreaterThanOrEqual(1);
    for (const runner of two.json<{ runners: { id: string }[] }>().runners) {
      await h.orchestrator.app.inject({ method: 'DELETE', url: `/api/v1/runners/${runner.id}` });
    }
    for (const { jobId } of jobs) sim.control.cancelJob(jobId);
  });
});
