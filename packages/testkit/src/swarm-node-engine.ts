import { execFile, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { docker, DockerCliError, dockerUnlessMissing } from './docker-cli.js';
import { DIND_IMAGE } from './local-images.js';
import { networkName, SWARM_NODE_LABEL, TEST_LABEL } from './swarm-node-names.js';

/**
 * A swarm node's own Docker engine: a container of `gha-ephemeral/dind:local` on the nodes' network.
 *
 * The node containers cannot be `--privileged` on every kernel (some withhold CAP_SYS_RESOURCE, and Docker then
 * refuses to start the container), so they get what a nested dockerd needs and no more: {@link
 * SWARM_NODE_CAPABILITIES}, no seccomp or AppArmor profile, the host's cgroup namespace with /sys/fs/cgroup
 * mounted, and {@link swarmNodeDockerdArgs}.
 */

/**
 * Beyond Docker's default set: without SYS_ADMIN dockerd cannot mount, without NET_ADMIN it makes no bridge, and
 * without SYS_PTRACE the node's runc cannot enter a container whose process runs as another user than root, so
 * `docker exec` and health checks of such tasks fail ("error executing setns process").
 */
export const SWARM_NODE_CAPABILITIES: readonly string[] = ['SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE'];
/**
 * The nested dockerd's flags. vfs by default (see {@link SwarmNodeStorageDriver}). No iptables: the nested
 * engine's NAT is not needed (a node reaches the manager through its own interface) and may not work here.
 * `--bip` and the address pool keep the node's own bridges off 172.16.0.0/12, where the host's docker0 (the
 * manager's address) and the node network are: a nested docker0 on 172.17.0.0/16 would swallow the manager's
 * address inside the node.
 */
export function swarmNodeDockerdArgs(storageDriver: SwarmNodeStorageDriver = 'vfs'): string {
  return (
    `--storage-driver=${storageDriver} --iptables=false --bip=10.231.0.1/24 ` +
    '--default-address-pool=base=10.232.0.0/16,size=24'
  );
}

/**
 * The nested dockerd's storage. vfs works in any container but copies every layer in full (a 160 MB image of 10
 * layers takes 1.5 GB and some 10 s to load); overlay2 works where the node's /var/lib/docker (a volume) is on a
 * file system overlay can use, as on ext4 hosts.
 */
export type SwarmNodeStorageDriver = 'overlay2' | 'vfs';

/** How {@link startNodeEngine} starts one node container. */
export interface NodeEngineOptions {
  /** The node containers' image. Default {@link DIND_IMAGE}. */
  engineImage?: string | undefined;
  storageDriver?: SwarmNodeStorageDriver | undefined;
  /** How long its dockerd may take to answer. */
  timeoutMs: number;
}

/** Throws unless every one of `images` is on the CI engine, saying how to build them. */
export async function requireImages(images: readonly string[]): Promise<void> {
  for (const image of images) {
    if ((await dockerUnlessMissing(['image', 'inspect', '--format', '{{.Id}}', image])) === null) {
      throw new Error(
        `Image ${image} is not on the CI engine, so it cannot be loaded into the swarm nodes: build it first ` +
          '(bash scripts/build-local-images.sh).',
      );
    }
  }
}

/** Makes the network `<prefix>-net`, labelled with `prefix`. Idempotent. */
export async function ensureNetwork(prefix: string): Promise<void> {
  const name = networkName(prefix);
  try {
    await docker([
      'network',
      'create',
      '--label',
      `${TEST_LABEL}=${prefix}`,
      '--label',
      `${SWARM_NODE_LABEL}=${prefix}`,
      name,
    ]);
  } catch (error) {
    if (!(error instanceof DockerCliError && /already exists/i.test(error.stderr))) throw error;
  }
}

/** Runs the node container `name` on `<prefix>-net` and waits until its dockerd answers. */
export async function startNodeEngine(
  prefix: string,
  name: string,
  options: NodeEngineOptions,
): Promise<void> {
  const dockerdArgs = swarmNodeDockerdArgs(options.storageDriver);
  await docker([
    'run',
    '--detach',
    '--name',
    name,
    '--hostname',
    name,
    '--network',
    networkName(prefix),
    '--label',
    `${TEST_LABEL}=${prefix}`,
    '--label',
    `${SWARM_NODE_LABEL}=${prefix}`,
    ...SWARM_NODE_CAPABILITIES.flatMap((capability) => ['--cap-add', capability]),
    '--security-opt',
    'seccomp=unconfined',
    '--security-opt',
    'apparmor=unconfined',
    '--cgroupns=host',
    '--volume',
    '/sys/fs/cgroup:/sys/fs/cgroup:rw',
    '--env',
    `DIND_DOCKERD_ARGS=${dockerdArgs}`,
    options.engineImage ?? DIND_IMAGE,
  ]);
  await waitForEngine(name, dockerdArgs, options.timeoutMs);
}

async function logTail(container: string): Promise<string> {
  const [out, err] = await new Promise<[string, string]>((resolve) => {
    execFile('docker', ['logs', '--tail', '15', container], { timeout: 10_000 }, (_error, stdout, stderr) =>
      resolve([String(stdout), String(stderr)]),
    );
  });
  return `${out}${err}`.trim() || '(no output)';
}

/** Polls `docker exec <node> docker info` until the node's dockerd answers. */
async function waitForEngine(container: string, dockerdArgs: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      await docker(['exec', container, 'docker', 'info', '--format', '{{.ServerVersion}}'], {
        timeoutMs: 10_000,
      });
      return;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    const running = await dockerUnlessMissing(['inspect', '--format', '{{.State.Running}}', container]);
    if (running !== 'true') {
      throw new Error(
        `The kernel (or the engine's options) refused to start dockerd in the swarm node container ${container}: it ` +
          `stopped before its engine answered. It runs with --cap-add ${SWARM_NODE_CAPABILITIES.join(',')}, ` +
          'seccomp and AppArmor unconfined, --cgroupns=host with /sys/fs/cgroup mounted, and dockerd flags ' +
          `"${dockerdArgs}". Its log ends with:\n${await logTail(container)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `The Docker engine in the swarm node container ${container} did not answer within ` +
          `${Math.round(timeoutMs / 1000)} s (last: ${last}). Its log ends with:\n${await logTail(container)}`,
      );
    }
    await sleep(250);
  }
}

/** `docker save IMAGES... | docker exec -i CONTAINER docker load`, bounded. */
export function loadImages(images: readonly string[], container: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const save = spawn('docker', ['save', ...images], { stdio: ['ignore', 'pipe', 'pipe'] });
    const load = spawn('docker', ['exec', '-i', container, 'docker', 'load', '-q'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const stderr = { save: '', load: '' };
    save.stderr.on('data', (chunk: Buffer) => (stderr.save = (stderr.save + chunk.toString()).slice(-2000)));
    load.stderr.on('data', (chunk: Buffer) => (stderr.load = (stderr.load + chunk.toString()).slice(-2000)));
    // A load that dies first makes the pipe fail: its exit status says why.
    load.stdin.on('error', () => undefined);
    save.stdout.pipe(load.stdin);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      save.kill('SIGKILL');
      load.kill('SIGKILL');
    }, timeoutMs);
    const exited = (child: typeof save | typeof load) =>
      new Promise<number | string>((done) => {
        child.once('error', (error) => done(error.message));
        child.once('close', (code, signal) => done(code ?? signal ?? 'unknown'));
      });
    void Promise.all([exited(save), exited(load)]).then(([saved, loaded]) => {
      clearTimeout(timer);
      const what = `docker save ${images.join(' ')} | docker exec -i ${container} docker load`;
      if (timedOut) reject(new Error(`${what} did not finish within ${Math.round(timeoutMs / 1000)} s.`));
      else if (saved !== 0)
        reject(new Error(`${what}: docker save failed (${saved}): ${stderr.save.trim()}`));
      else if (loaded !== 0)
        reject(new Error(`${what}: docker load failed (${loaded}): ${stderr.load.trim()}`));
      else resolve();
    });
  });
}

/** Removes a node container and its engine's storage; false when it was already gone. */
export async function removeNodeContainer(container: string): Promise<boolean> {
  return (
    (await dockerUnlessMissing(['rm', '--force', '--volumes', container], { timeoutMs: 120_000 })) !== null
  );
}
