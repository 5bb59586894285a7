import { DockerRuntime } from '@gha-ephemeral/runtime-docker';
import {
  removeContainersByLabel,
  removeNetworksByLabel,
  requireDockerEngine,
  STAND_IN_RUNNER_IMAGE,
  uniqueId,
} from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DindSidecars, dindContainerName, dindNetworkName } from '../src/fleet/dind-sidecar.js';

const docker = new Dockerode();
const TEST_LABEL = 'gha-ephemeral.test';
const runId = uniqueId('dind');
const TINY_IMAGE = 'dind-test/tiny:1';

/** Runs `command` in a container and returns what it printed (stdout and stderr) and its exit code. */
async function exec(container: string, command: string[]): Promise<{ output: string; exitCode: number }> {
  const execution = await docker.getContainer(container).exec({
    Cmd: command,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await execution.start({});
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const { ExitCode } = await execution.inspect();
  return { output: Buffer.concat(chunks).toString('utf8'), exitCode: ExitCode ?? -1 };
}

async function waitForExit(container: string): Promise<number> {
  const { StatusCode } = (await docker.getContainer(container).wait()) as { StatusCode: number };
  return StatusCode;
}

/** What the container printed: Docker frames each chunk of a container without a TTY with an 8-byte header. */
async function logsOf(container: string): Promise<string> {
  const logs = await docker.getContainer(container).logs({ stdout: true, stderr: true });
  const text: string[] = [];
  for (let offset = 0; offset + 8 <= logs.length;) {
    const size = logs.readUInt32BE(offset + 4);
    text.push(logs.subarray(offset + 8, offset + 8 + size).toString('utf8'));
    offset += 8 + size;
  }
  return text.join('');
}

describe('Docker in jobs: an engine sidecar per runner', () => {
  const runtime = new DockerRuntime();
  const sidecars = new DindSidecars({ runtime });

  beforeAll(async () => {
    await requireDockerEngine();
  });
  afterAll(async () => {
    await removeContainersByLabel(TEST_LABEL, runId);
    await removeNetworksByLabel(TEST_LABEL, runId);
  });

  it("runs a job's `docker run` on the runner's own engine, then leaves nothing behind", async () => {
    const runnerName = uniqueId('gha-dind');
    const labels = { [TEST_LABEL]: runId, 'gha-ephemeral.runner': runnerName };
    const sidecar = await sidecars.start(runnerName, labels, { mode: 'caps' });
    expect(sidecar).toEqual({
      network: dindNetworkName(runnerName),
      env: { DOCKER_HOST: `tcp://${dindContainerName(runnerName)}:2375` },
    });
    expect((await runtime.get(dindContainerName(runnerName)))?.labels).toMatchObject({
      ...labels,
      'gha-ephemeral.role': 'dind',
    });

    // Nothing can be pulled here: the engine gets a one-file image made from its own static busybox.
    const load = await exec(dindContainerName(runnerName), [
      'sh',
      '-c',
      `tar -C / -c bin/busybox | docker import -c 'ENTRYPOINT ["/bin/busybox"]' - ${TINY_IMAGE}`,
    ]);
    expect(load.exitCode, load.output).toBe(0);

    // The runner: its usual network plus the private one, DOCKER_HOST from the sidecar, no host socket.
    const usual = `${runnerName}-usual`;
    await docker.createNetwork({ Name: usual, Labels: { [TEST_LABEL]: runId } });
    const runner = await runtime.create({
      name: runnerName,
      image: STAND_IN_RUNNER_IMAGE,
      command: [
        'sh',
        '-c',
        `docker ps -a --format '{{.Names}}' && echo --- && docker run --rm ${TINY_IMAGE} echo hi`,
      ],
      env: sidecar.env,
      labels,
      network: usual,
      extraNetworks: [sidecar.network],
    });
    const exitCode = await waitForExit(runner.id);
    const printed = await logsOf(runner.id);
    // An image built before the docker CLI was added says "docker: not found" here: rebuild it.
    expect(exitCode, printed).toBe(0);
    const [listed, ran] = printed.split('---');
    // The host's engine would list the runner itself: this engine has run nothing yet.
    expect(listed).not.toContain(runnerName);
    expect(ran?.trim()).toBe('hi');

    expect(await sidecars.remove(runnerName)).toBe(true);
    expect(await runtime.list({ labels: { ...labels, 'gha-ephemeral.role': 'dind' } })).toEqual([]);
    const networks = await docker.listNetworks({ filters: { name: [sidecar.network] } });
    expect(networks.filter((network) => network.Name === sidecar.network)).toEqual([]);
    // The runner itself is the caller's to remove; it lost only the private network.
    expect(await runtime.get(runner.id)).not.toBeNull();
    expect(await sidecars.remove(runnerName)).toBe(false);
  });

  it('fails at once, leaving nothing behind, when the engine cannot start', async () => {
    const runnerName = uniqueId('gha-dind');
    const labels = { [TEST_LABEL]: runId, 'gha-ephemeral.runner': runnerName };
    // dockerd refuses an unknown flag and exits: the start says so (not `dind_not_ready` after its deadline).
    const broken = new DindSidecars({ runtime, dockerdArgs: '--no-such-flag', readyTimeoutMs: 60_000 });
    await expect(broken.start(runnerName, labels, { mode: 'caps' })).rejects.toMatchObject({
      code: 'runtime.failed',
      details: { reason: 'dind_exited' },
    });
    expect(await runtime.list({ labels })).toEqual([]);
    expect(await runtime.removeNetwork(dindNetworkName(runnerName))).toBe(false);
  });
});
