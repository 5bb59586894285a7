import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubSim, type GitHubSim } from '@gha-ephemeral/github-sim';
import { DockerRuntime } from '@gha-ephemeral/runtime-docker';
import { SwarmRuntime } from '@gha-ephemeral/runtime-swarm';
import {
  ensureSwarmManager,
  freePort,
  removeSwarmNodes,
  removeSwarmObjectsByLabel,
  STAND_IN_RUNNER_IMAGE,
  startSwarmNodes,
  uniqueId,
  waitFor,
  type SwarmNode,
} from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutedRuntime } from '../src/fleet/routed-runtime.js';
import { startHarness, TOKEN, type Harness } from './harness.js';

// Pools on a real multi-node Swarm built on this one machine: two worker nodes (nested engines) beside the CI
// engine as the manager. Runners of a pool constrained to the workers land on both; a worker that goes down takes
// its runners with it, and they are reaped: the job of one that had not taken it yet is served by a new runner on
// the other worker, the job of one that had fails (as on GitHub); nothing is left on any node.
const docker = new Dockerode();
const prefix = uniqueId('swn');
const orchestratorId = uniqueId('swarm');

/** The node each runner service of ours that exists now has its task on, by service (runner) name. */
async function runnerNodes(): Promise<Map<string, string>> {
  const filters = { label: [`gha-ephemeral.orchestrator=${orchestratorId}`] };
  const services = await docker.listServices({ filters });
  const names = new Map(services.map((service) => [service.ID, service.Spec?.Name ?? '']));
  // The Swarm keeps tasks of removed services: only those of live ones count.
  const tasks = (await docker.listTasks({ filters })) as { NodeID?: string; ServiceID: string }[];
  return new Map(
    tasks.filter((t) => t.NodeID && names.has(t.ServiceID)).map((t) => [names.get(t.ServiceID)!, t.NodeID!]),
  );
}

async function ourServices(): Promise<number> {
  return (await docker.listServices({ filters: { label: [`gha-ephemeral.orchestrator=${orchestratorId}`] } }))
    .length;
}

async function ourSecrets(): Promise<number> {
  return (await docker.listSecrets({ filters: { label: [`gha-ephemeral.orchestrator=${orchestratorId}`] } }))
    .length;
}

async function nodeState(node: SwarmNode): Promise<string | undefined> {
  return ((await docker.getNode(node.nodeId).inspect()) as { Status?: { State?: string } }).Status?.State;
}

/** The node of every runner service seen so far, by name: a runner's service is gone once it is reaped. */
function placements() {
  const placed = new Map<string, string>();
  const track = async () => {
    const live = await runnerNodes();
    for (const [name, node] of live) placed.set(name, node);
    return live;
  };
  return { placed, track };
}

/** Waits until the runner `name` on `node`, frozen at `frozenAt`, is reaped, and logs how long that took. */
async function waitForReap(
  name: string,
  node: SwarmNode,
  frozenAt: number,
  track: () => Promise<Map<string, string>>,
): Promise<void> {
  let downAt = NaN;
  await waitFor(
    async () => {
      if (Number.isNaN(downAt) && (await nodeState(node)) === 'down') downAt = Date.now();
      return !(await track()).has(name);
    },
    { timeoutMs: 90_000, intervalMs: 250, message: 'the runner on the frozen node reaped' },
  );
  const reapedAt = Date.now();
  console.log(
    `[swarm] the runner on the frozen node was reaped ${reapedAt - frozenAt} ms after the freeze, ` +
      `${reapedAt - downAt} ms after the manager saw the node down (polled every 250 ms)`,
  );
}

/** No service or secret of ours on the Swarm, no running container of ours on any of `nodes`. */
async function waitForNothingLeft(nodes: readonly SwarmNode[]): Promise<void> {
  const label = `gha-ephemeral.orchestrator=${orchestratorId}`;
  const running = async () =>
    (await Promise.all(nodes.map((node) => node.runningContainers(label)))).flat().length;
  await waitFor(async () => (await ourServices()) + (await ourSecrets()) + (await running()) === 0, {
    timeoutMs: 60_000,
    message: 'no service, secret or running container of ours left',
  });
}

describe('pools on a multi-node Swarm (two worker nodes on this machine)', () => {
  let sim: GitHubSim;
  let h: Harness;
  let nodes: SwarmNode[] = [];

  beforeAll(async () => {
    const manager = await ensureSwarmManager();
    nodes = await startSwarmNodes({
      prefix,
      count: 2,
      images: [STAND_IN_RUNNER_IMAGE],
      labels: [{ 'gha-pool': 'big' }, { 'gha-pool': 'big' }],
    });
    // Runners on the workers reach the simulator at the manager's address, through their node's network.
    const port = await freePort();
    sim = await startGitHubSim({
      host: '0.0.0.0',
      port,
      publicUrl: `http://${manager.address}:${port}`,
      tokens: { [TOKEN]: { login: 'octo' } },
    });
    sim.control.createRepo({ owner: 'octo', name: 'app' });
    const file = join(mkdtempSync(join(tmpdir(), 'swarm-pools-')), 'pools.yaml');
    writeFileSync(
      file,
      `pools:\n  - name: big\n    labels: [big]\n    runtime: swarm\n    network: host\n    max: 8\n    resources: { memory: 512m, cpus: 0.5 }\n    placement: { constraints: ['node.labels.gha-pool==big', 'node.role==worker'] }\n`,
    );
    const runtime = new RoutedRuntime(
      new DockerRuntime({ pullTimeoutMs: 0 }),
      new SwarmRuntime({ pullTimeoutMs: 0, watchIntervals: { liveMs: 500, idleMs: 2_000 } }),
      new Set(['host']),
    );
    h = await startHarness(
      {
        AUTO_CREATE_RUNNERS: 'true',
        RUNNER_POOLS_FILE: file,
        ORCHESTRATOR_ID: orchestratorId,
        GITHUB_API_URL: `http://127.0.0.1:${port}`,
      },
      { sim, runtime },
    );
  });
  afterAll(async () => {
    await h?.close();
    await removeSwarmObjectsByLabel('gha-ephemeral.orchestrator', orchestratorId);
    await removeSwarmNodes(prefix);
    await sim?.close();
  });

  // One pass of the check loop (the harness runs none): the book holds the poll, and retries read it afresh.
  const pass = async () => {
    const auto = h.orchestrator.auto!;
    const started = Date.now();
    auto.book.replace(await auto.poller.poll(), started);
    return auto.reconciler.reconcile(() => auto.book.demand());
  };

  it('places a burst on both workers, serves every job, and leaves nothing', async () => {
    const jobs = Array.from({ length: 6 }, () =>
      sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', 'big'], steps: ['sleep 4'] }),
    );
    expect((await pass()).created).toBe(6);
    const seen = new Set<string>();
    await waitFor(
      async () => {
        for (const node of (await runnerNodes()).values()) seen.add(node);
        return jobs.every(({ jobId }) => sim.control.getJob(jobId)?.status === 'completed');
      },
      { timeoutMs: 120_000, intervalMs: 300, message: 'every job of the burst to complete' },
    );
    expect(jobs.map(({ jobId }) => sim.control.getJob(jobId)?.conclusion)).toEqual(Array(6).fill('success'));
    expect([...seen].sort()).toEqual(nodes.map((node) => node.nodeId).sort());
    await waitFor(async () => (await ourServices()) === 0, {
      timeoutMs: 60_000,
      message: 'every service gone',
    });
  }, 180_000);

  // Runs before the node-loss case below, which leaves one worker: this one needs both.
  it('serves on the other worker the job whose runner was placed on a worker that went down first', async () => {
    const [frozen, survivor] = nodes as [SwarmNode, SwarmNode];
    const { placed, track } = placements();
    // Frozen before the runners exist: the Swarm assigns it one until it misses its heartbeats; it never starts.
    await frozen.pause();
    const frozenAt = Date.now();
    try {
      const jobs = Array.from({ length: 2 }, () =>
        sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', 'big'], steps: ['sleep 3'] }),
      );
      // Not awaited yet: creating the frozen node's runner waits for its task, which only ends with the node.
      const passing = pass();
      passing.catch(() => undefined);
      await waitFor(async () => (await track()).size === 2, { message: 'both runners assigned a node' });
      // The Swarm spreads the two over both workers: one is on the frozen node.
      const lost = [...placed].filter(([, node]) => node === frozen.nodeId).map(([name]) => name);
      expect(lost).toHaveLength(1);
      await waitForReap(lost[0]!, frozen, frozenAt, track);
      // No runner took its job: GitHub keeps it queued.
      expect(jobs.map(({ jobId }) => sim.control.getJob(jobId)?.status)).toContain('queued');
      // The runner reaped while its creation waited for its task is a runner that ended, not a failed creation.
      expect((await passing).failures).toBe(0);
      // The harness runs no check loop: passes here make the lost one's replacement.
      await waitFor(
        async () => {
          await pass();
          await track();
          return jobs.every(({ jobId }) => sim.control.getJob(jobId)?.status === 'completed');
        },
        { timeoutMs: 120_000, intervalMs: 500, message: 'both jobs served' },
      );
      const served = jobs.map(({ jobId }) => sim.control.getJob(jobId));
      expect(served.map((job) => job?.conclusion)).toEqual(['success', 'success']);
      // Both by runners on the survivor, and one runner more than the first two: the lost one's replacement.
      expect(served.map((job) => placed.get(job?.runnerName ?? ''))).toEqual([
        survivor.nodeId,
        survivor.nodeId,
      ]);
      expect(placed.size).toBe(3);
    } finally {
      await frozen.unpause();
    }
    await waitFor(async () => (await nodeState(frozen)) === 'ready', {
      timeoutMs: 60_000,
      message: 'the thawed node Ready again',
    });
    await waitForNothingLeft(nodes);
  }, 240_000);

  it('reaps the runners of a worker that goes down; the next job is served on the other', async () => {
    const { jobId } = sim.control.queueJob({
      repo: 'octo/app',
      labels: ['self-hosted', 'big'],
      steps: ['sleep 60'],
    });
    // Passes until it runs, as the check loop would: a creation may fail while the thawed node settles.
    await waitFor(
      async () => {
        if (sim.control.getJob(jobId)?.status === 'queued') await pass();
        return sim.control.getJob(jobId)?.status === 'in_progress';
      },
      { timeoutMs: 120_000, intervalMs: 2_000, message: `job ${jobId} in progress` },
    );
    const [nodeId] = [...(await runnerNodes()).values()];
    const lost = nodes.find((node) => node.nodeId === nodeId)!;
    const stoppedAt = Date.now();
    await lost.stop();
    // Its runner is gone with it: the service is reaped, and GitHub fails the job its runner lost, as it would.
    await waitFor(async () => (await ourServices()) === 0, {
      timeoutMs: 90_000,
      message: 'the lost runner reaped',
    });
    console.log(`[swarm] the lost runner was reaped ${Date.now() - stoppedAt} ms after its node went down`);
    const next = sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', 'big'] });
    let servedOn: string | undefined;
    await waitFor(
      async () => {
        if (sim.control.getJob(next.jobId)?.status === 'queued') await pass();
        servedOn ??= [...(await runnerNodes()).values()][0];
        return sim.control.getJob(next.jobId)?.status === 'completed';
      },
      { timeoutMs: 60_000, intervalMs: 300, message: 'the next job served' },
    );
    expect(sim.control.getJob(next.jobId)?.conclusion).toBe('success');
    expect(servedOn).toBe(nodes.find((node) => node !== lost)!.nodeId);
    await waitFor(async () => (await ourServices()) === 0, { timeoutMs: 60_000, message: 'nothing left' });
  }, 240_000);
});
