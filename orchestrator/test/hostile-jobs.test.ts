import type { Runner } from '@gha-ephemeral/contract';
import { startGitHubSim, type GitHubSim } from '@gha-ephemeral/github-sim';
import { DockerRuntime } from '@gha-ephemeral/runtime-docker';
import { removeContainersByLabel, STAND_IN_RUNNER_IMAGE, uniqueId, waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MYOUNG34_PRESET, startHarness, TOKEN, type Harness } from './harness.js';

const docker = new Dockerode();
const TEST_LABEL = 'gha-ephemeral.test';
const runId = uniqueId('hostile');

/** Prints every variable of every process the job can see, one per line. */
const READ_ALL_ENVIRONMENTS = `for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < "$f"; echo; done | sort -u`;

/** Connects to each host:port of $TARGETS (space-separated name=host:port) and prints name:reached|refused. */
const PROBE = [
  "const net = require('net');",
  "const probe = ([name, address]) => new Promise((done) => { const [host, port] = address.split(':');",
  '  const s = net.connect({ host, port: Number(port), timeout: 3000 });',
  "  const end = (what) => { s.destroy(); done(name + ':' + what); };",
  "  s.on('connect', () => end('reached')); s.on('error', () => end('refused')); s.on('timeout', () => end('refused')); });",
  "Promise.all(process.env.TARGETS.split(' ').map((t) => probe(t.split('=')))).then((r) => console.log(r.join(' ')));",
].join('\n');

/** Forks sleeping processes as fast as it can, forever, shrugging off every refused fork. */
const BOMB =
  "const cp = require('child_process'); setInterval(() => { try { cp.spawn('sleep', ['600']).on('error', () => {}); } catch {} }, 1)";

/** A server a decoy container runs: a runner's neighbour, or a service of ours, listening on 8000. */
const SERVE = "require('net').createServer((s) => s.end('ok')).listen(8000, '0.0.0.0')";

async function ipOn(containerId: string, network: string): Promise<string> {
  const info = await docker.getContainer(containerId).inspect();
  return info.NetworkSettings.Networks[network]?.IPAddress ?? '';
}

async function decoy(network: string): Promise<string> {
  const container = await docker.createContainer({
    Image: STAND_IN_RUNNER_IMAGE,
    Entrypoint: ['node', '-e', SERVE],
    Labels: { [TEST_LABEL]: runId },
    HostConfig: { NetworkMode: network },
  });
  await container.start();
  return ipOn(container.id, network);
}

/** Starts one runner for `octo/app` with `label`, and waits until it is online. */
async function runnerWith(h: Harness, label: string): Promise<Runner> {
  const created = await h.orchestrator.app.inject({
    method: 'POST',
    url: '/api/v1/runners',
    payload: { repository: 'octo/app', labels: [label] },
  });
  expect(created.statusCode, created.body).toBe(201);
  const runner = created.json<{ runners: Runner[] }>().runners[0]!;
  await waitFor(() => h.sim.control.getRunnerByName(runner.id)?.status === 'online', {
    timeoutMs: 30_000,
    message: `runner ${runner.id} to come online`,
  });
  return runner;
}

/** Queues a job with `steps` for the runner with `label`; resolves its conclusion and log once it ends. */
async function runJob(h: Harness, label: string, steps: string[]) {
  const { jobId } = h.sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', label], steps });
  await h.sim.control.waitForJob(jobId, 'completed', { timeoutMs: 60_000 });
  return { conclusion: h.sim.control.getJob(jobId)?.conclusion, log: h.sim.control.getJobLog(jobId) ?? '' };
}

async function jitConfigOf(runner: Runner): Promise<string> {
  const info = await docker.getContainer(runner.containerId).inspect();
  const entry = (info.Config.Env ?? []).find((e) => e.startsWith('ACTIONS_RUNNER_INPUT_JITCONFIG='));
  return entry?.slice('ACTIONS_RUNNER_INPUT_JITCONFIG='.length) ?? '';
}

/**
 * Jobs that attack their host, with the product's defaults: runners on a network the orchestrator's runtime makes
 * (inter-container traffic off), limits, and the built-in just-in-time template. The simulator listens on that
 * network's gateway address, as GitHub is reached through it.
 */
describe('hostile jobs (real engine, simulator, stand-in runners running the steps as root)', () => {
  const network = `gha-hostile-${runId}`;
  const services = `gha-hostile-svc-${runId}`;
  let sim: GitHubSim;
  let h: Harness;
  let gateway = '';

  beforeAll(async () => {
    const runtime = new DockerRuntime({ pullTimeoutMs: 0 });
    await runtime.ensureNetwork(network, { labels: { [TEST_LABEL]: runId } });
    await docker.createNetwork({ Name: services, Labels: { [TEST_LABEL]: runId } });
    const info = await docker.getNetwork(network).inspect();
    gateway = info.IPAM?.Config?.[0]?.Gateway ?? '';
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    sim = await startGitHubSim({ tokens: { [TOKEN]: { login: 'octo' } }, host: gateway });
    sim.control.createRepo({ owner: 'octo', name: 'app' });
    h = await startHarness(
      { RUNNER_NETWORK: network, RUNNER_MEMORY: '256m', RUNNER_CPUS: '0.5', RUNNER_PIDS_LIMIT: '128' },
      { sim },
    );
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await sim?.close();
    await removeContainersByLabel(TEST_LABEL, runId);
    for (const name of [network, services])
      await docker
        .getNetwork(name)
        .remove()
        .catch(() => undefined);
  });

  it("reads every process's environment and finds no token and no other runner's configuration", async () => {
    const [reader, other] = [await runnerWith(h, 'env-reader'), await runnerWith(h, 'env-other')];
    const { conclusion, log } = await runJob(h, 'env-reader', [READ_ALL_ENVIRONMENTS]);
    expect(conclusion).toBe('success');
    // The scan did read other processes: the runner's own configuration, which the step's shell lacks, is there.
    expect(log).toContain(await jitConfigOf(reader));
    expect(log).not.toContain(await jitConfigOf(other));
    expect(log).not.toContain(TOKEN);
    expect(log).not.toMatch(/^(RUNNER_TOKEN|ACCESS_TOKEN|GITHUB_TOKEN)=/m);
  });

  it('reaches GitHub, but neither a neighbour on the runner network nor a service on another network', async () => {
    const neighbour = await decoy(network);
    const service = await decoy(services);
    await runnerWith(h, 'prober');
    const targets = `github=${gateway}:${new URL(sim.url).port} neighbour=${neighbour}:8000 service=${service}:8000`;
    const script = Buffer.from(PROBE).toString('base64');
    const step = `echo ${script} | base64 -d > /tmp/probe.js && TARGETS='${targets}' node /tmp/probe.js`;
    const { log } = await runJob(h, 'prober', [step]);
    expect(log).toContain('github:reached neighbour:refused service:refused');
  });

  it('kills a job over its memory, fails it, and removes its container', async () => {
    const runner = await runnerWith(h, 'hog');
    const hog = `node -e "const b = []; for (;;) b.push(Buffer.alloc(16 << 20, 1))"`;
    const { conclusion, log } = await runJob(h, 'hog', [hog]);
    expect(conclusion).toBe('failure');
    expect(log).toMatch(/exit code 137/); // killed by the kernel for its memory, not failed on its own
    await waitFor(async () => (await h.runtime.get(runner.containerId)) === null, {
      timeoutMs: 30_000,
      message: 'the hog runner container to be removed',
    });
  });

  it('holds a fork bomb to its pids limit while the orchestrator and another runner carry on', async () => {
    const bomber = await runnerWith(h, 'bomber');
    const bystander = await runnerWith(h, 'bystander');
    const { jobId } = h.sim.control.queueJob({
      repo: 'octo/app',
      labels: ['self-hosted', 'bomber'],
      // dash gives up at its first failed fork, so the bomb is a process that never stops forking.
      steps: [`node -e "${BOMB}"`],
    });
    await h.sim.control.waitForJob(jobId, 'in_progress', { timeoutMs: 30_000 });
    const pids = async () => {
      const stats = await docker.getContainer(bomber.containerId).stats({ stream: false });
      return stats.pids_stats?.current ?? 0;
    };
    await waitFor(async () => (await pids()) >= 120, {
      timeoutMs: 30_000,
      message: 'the bomb to reach the limit',
    });
    expect(await pids()).toBeLessThanOrEqual(128);
    const health = await h.orchestrator.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect((await runJob(h, 'bystander', ['echo still here'])).conclusion).toBe('success');
    expect(bystander.id).not.toBe(bomber.id);
    const removed = await h.orchestrator.app.inject({
      method: 'DELETE',
      url: `/api/v1/runners/${bomber.id}`,
    });
    expect([202, 204]).toContain(removed.statusCode);
    await waitFor(async () => (await h.runtime.get(bomber.containerId)) === null, {
      timeoutMs: 30_000,
      message: 'the bomber container to be removed',
    });
  }, 120_000);
});

describe('the registration-token preset, for contrast', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(MYOUNG34_PRESET);
    h.sim.control.createRepo({ owner: 'octo', name: 'app' });
  });
  afterAll(async () => h?.close());

  it('lets the same step read a registration token, as the start-up warning says', async () => {
    await runnerWith(h, 'env-token');
    const { log } = await runJob(h, 'env-token', [READ_ALL_ENVIRONMENTS]);
    expect(log).toMatch(/^RUNNER_TOKEN=\S+/m);
    expect(h.log.text).toMatch(/every job can read it/);
  });
});
