import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Health } from '@gha-ephemeral/contract';
import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { uniqueId, waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, startHarnessSim, type Harness } from './harness.js';
import { sampleValue } from './prometheus.js';

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
  const file = poolFile('linux-set');
  const env = () => ({
    AUTO_CREATE_RUNNERS: 'true',
    RUNNER_POOLS_FILE: file,
    ORCHESTRATOR_ID: uniqueId('sset'),
    // Short, so that a pass would remove an idle or a stuck runner: a busy one must stay all the same.
    RUNNER_IDLE_TIMEOUT: '5',
    RUNNER_START_TIMEOUT: '5',
  });
  const settled = async (harness: Harness) =>
    waitFor(async () => (await liveContainers(harness.orchestratorId)).length === 0, {
      timeoutMs: 30_000,
      message: 'every runner to be gone',
    });

  beforeAll(async () => {
    sim = await startHarnessSim(false);
    sim.control.createRepo({ owner: 'octo', name: 'app' });
    // Short long polls keep the shutdown quick; assignment waits long enough for a runner to start.
    sim.control.setScaleSetOptions({ longPollMs: 2_000, assignTimeoutMs: 60_000 });
    h = await startHarness(env(), { sim });
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
    const health = (await h.orchestrator.app.inject({ method: 'GET', url: '/health' })).json<Health>();
    expect(health.scaleSets).toMatchObject([
      { pool: 'linux-set', name: 'linux-set', id: set!.id, state: 'listening', desired: 0 },
    ]);
    expect(health.scaleSets![0]!.statistics).toMatchObject({
      totalAssignedJobs: 0,
      totalRegisteredRunners: 0,
    });
    const metrics = (await h.orchestrator.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sampleValue(metrics, 'gha_assigned_jobs', { name: 'linux-set', pool: 'linux-set' })).toBe(0);
    expect(
      sampleValue(metrics, 'gha_ephemeral_scale_set_listener_state', {
        name: 'linux-set',
        state: 'listening',
      }),
    ).toBe(1);
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
    // One registration per assigned job: no runner was made and thrown away.
    const registered = Object.entries(sim.control.requestCounts().byRoute)
      .filter(([route]) => route.startsWith('POST') && route.endsWith('/generatejitconfig'))
      .reduce((sum, [, counts]) => sum + counts.total, 0);
    expect(registered).toBe(5);
    await settled(h);
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

  it('never removes a busy runner past the idle and start timeouts, even while GitHub cannot list runners', async () => {
    const { jobId } = sim.control.queueJob({ repo: 'octo/app', labels: ['linux-set'], steps: ['sleep 8'] });
    await sim.control.waitForJob(jobId, 'in_progress', { timeoutMs: 30_000 });
    // Without the runner list the runner looks "starting"; only GitHub's JobStarted says it is busy.
    sim.control.injectFault({
      kind: 'error',
      status: 503,
      match: { method: 'GET', path: '/repos/{owner}/{repo}/actions/runners' },
      count: 'always',
    });
    const auto = h.orchestrator.auto!;
    try {
      for (let i = 0; i < 4; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        const { plan } = await auto.reconciler.reconcile(() => auto.book.demand());
        expect(plan.actions.filter((action) => action.kind === 'remove')).toEqual([]);
      }
      expect(h.log.text).toMatch(/could not list runners on GitHub/);
    } finally {
      sim.control.clearFaults();
    }
    const job = await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 30_000 });
    expect(job.conclusion).toBe('success');
    await settled(h);
  });

  it('serves once a job GitHub took back and assigned again because no runner came in time', async () => {
    sim.control.setScaleSetOptions({ assignTimeoutMs: 3_000 });
    const fault = {
      kind: 'error',
      status: 503,
      match: { path: '*/generatejitconfig' },
      count: 'always',
    } as const;
    sim.control.injectFault(fault);
    try {
      const { jobId } = sim.control.queueJob({ repo: 'octo/app', labels: ['linux-set'] });
      await waitFor(() => (sim.control.getJob(jobId)?.scaleSet?.attempt ?? 0) >= 2, {
        timeoutMs: 20_000,
        message: 'the job to be assigned again',
      });
      sim.control.clearFaults();
      const job = await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 60_000 });
      expect(job.conclusion).toBe('success');
      expect(
        sim.control.listJobs({ repo: 'octo/app' }).filter((j) => j.runnerName === job.runnerName),
      ).toHaveLength(1);
      await settled(h);
    } finally {
      sim.control.clearFaults();
      sim.control.setScaleSetOptions({ assignTimeoutMs: 60_000 });
    }
  });

  it('rides out an Actions service outage: failing in /health, then the queued job is served', async () => {
    sim.control.injectFault({ kind: 'error', status: 503, match: { path: '*/_apis/*' }, count: 'always' });
    sim.control.expireQueueTokens(); // the open long poll ends, and the next call meets the outage
    try {
      await waitFor(() => listenerState(h, 'linux-set') === 'failing', {
        timeoutMs: 20_000,
        message: 'failing',
      });
      const health = (await h.orchestrator.app.inject({ method: 'GET', url: '/health' })).json<Health>();
      expect(health.status).toBe('degraded');
      const { jobId } = sim.control.queueJob({ repo: 'octo/app', labels: ['linux-set'] });
      sim.control.clearFaults();
      const job = await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 90_000 });
      expect(job.conclusion).toBe('success');
      expect(listenerState(h, 'linux-set')).toBe('listening');
      await settled(h);
    } finally {
      sim.control.clearFaults();
    }
  });

  it('lets a second orchestrator wait on the session, then take over when the first stops', async () => {
    const second = await startHarness(env(), { sim, scaleSetConflictRetryMs: 500 });
    try {
      await waitFor(() => listenerState(second, 'linux-set') === 'conflict', {
        timeoutMs: 20_000,
        message: '409',
      });
      const detail = second.orchestrator.scaleSets!.statuses()[0]!.detail;
      expect(detail).toMatch(/another listener holds the session/);
      expect(second.log.text).toMatch(/another listener holds the session/);
      await h.stop();
      await waitFor(() => listenerState(second, 'linux-set') === 'listening', {
        timeoutMs: 20_000,
        message: 'takeover',
      });
      expect(sim.control.listScaleSets()[0]!.session?.ownerName).toBe(second.orchestratorId);
      const { jobId } = sim.control.queueJob({ repo: 'octo/app', labels: ['linux-set'] });
      const job = await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 60_000 });
      expect(job.runnerName).toMatch(/^gha-/);
      await settled(second);
    } finally {
      await second.close();
    }
  });
});
