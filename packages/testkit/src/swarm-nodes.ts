import { execFile, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { DIND_IMAGE } from './local-images.js';

/**
 * A multi-node Docker swarm on one machine, for tests: the CI engine is the manager, and each worker node is a
 * Docker engine in a container of its own (`gha-ephemeral/dind:local`) on a user-defined network. Everything goes
 * through the `docker` CLI (execFile, no shell), every call bounded in time.
 *
 * The node containers cannot be `--privileged` on every kernel (some withhold CAP_SYS_RESOURCE, and Docker then
 * refuses to start the container), so they get what a nested dockerd needs and no more: {@link
 * SWARM_NODE_CAPABILITIES}, no seccomp or AppArmor profile, the host's cgroup namespace with /sys/fs/cgroup
 * mounted, and {@link swarmNodeDockerdArgs}.
 */

/** Carried by node containers, networks and swarm node entries: `<prefix>`. */
export const SWARM_NODE_LABEL = 'gha-ephemeral.swarm-node';
/** The tests' own label (see the README's conventions), also set to `<prefix>`. */
const TEST_LABEL = 'gha-ephemeral.test';
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

/** What {@link ensureSwarmManager} returns. */
export interface SwarmManager {
  /** The CI engine's swarm node id. */
  nodeId: string;
  /** The address the manager advertises (docker0's when this made the swarm), without the port. */
  address: string;
  /** `address:port`, for `docker swarm join`. */
  joinAddress: string;
  /** The worker join token. A secret: do not print it. */
  workerJoinToken: string;
}

/** Options of {@link startSwarmNodes}. */
export interface StartSwarmNodesOptions {
  /**
   * Names everything made: the network `<prefix>-net`, the node containers (and their hostnames, hence the swarm
   * node names) `<prefix>-n1`, `<prefix>-n2`, … Lowercase letters, digits and hyphens; pass a `uniqueId(...)`.
   */
  prefix: string;
  /** How many worker nodes. */
  count: number;
  /** Swarm node labels, `labels[i]` for the i-th node (`docker node update --label-add`). */
  labels?: readonly Record<string, string>[];
  /** Images of the CI engine loaded into every node before it joins (`docker save | docker load`). */
  images: readonly string[];
  /** The node containers' image. Default {@link DIND_IMAGE}. */
  engineImage?: string;
  /** The nodes' storage driver. Default vfs. */
  storageDriver?: SwarmNodeStorageDriver;
  /** Bounds, each per node. Defaults: engine 60 s, image load 180 s, join 60 s, ready 60 s. */
  timeouts?: { engineMs?: number; loadMs?: number; joinMs?: number; readyMs?: number };
}

/** How long each step of a node's start took, in ms. */
export interface SwarmNodeTimings {
  /** Container start until its dockerd answers. */
  engineMs: number;
  /** `docker save | docker load` of all the images. */
  loadMs: number;
  /** `docker swarm join`, the labels, and until the manager sees the node Ready. */
  joinMs: number;
  /** From the container's start until the node was Ready. */
  totalMs: number;
}

/** A started worker node. */
export interface SwarmNode {
  /** The swarm node id. */
  nodeId: string;
  /** The node's hostname: its name in the swarm (`node.hostname`), and its container's name. */
  hostname: string;
  containerName: string;
  /** The node's address on `<prefix>-net`. */
  address: string;
  timings: SwarmNodeTimings;
  /** Kills the node container (the engine and every task on it die at once, like a machine losing power). */
  stop(): Promise<void>;
  /**
   * Freezes the node (`docker pause` of its container), like a machine that hangs: its engine and the containers
   * on it (their cgroups are nested in the node's) stop at once, and the manager still assigns it tasks, none of
   * which starts, until it misses its heartbeats and is marked down.
   */
  pause(): Promise<void>;
  /** Thaws a paused node: everything on it resumes, and the manager sees it Ready again. */
  unpause(): Promise<void>;
  /** Ids of the running containers on the node's own engine that carry `label` (`key=value`). */
  runningContainers(label: string): Promise<string[]>;
  /** Removes the node container (and its engine's storage) and its swarm node entry. Idempotent. */
  remove(): Promise<void>;
}

/** What {@link removeSwarmNodes} removed. */
export interface RemovedSwarmNodes {
  containers: number;
  nodes: number;
  networks: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** A failed `docker` call, with what it wrote to stderr. */
class DockerCliError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DockerCliError';
    this.stderr = stderr;
  }
}

interface RunOptions {
  timeoutMs?: number;
  /** Said in errors instead of the arguments (which may hold a secret). */
  describe?: string;
}

/** Runs `docker ...args` and resolves its trimmed stdout. */
function docker(args: readonly string[], options: RunOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const what = options.describe ?? `docker ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    execFile(
      'docker',
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout.trim());
          return;
        }
        const text = stderr.trim();
        const reason =
          error.killed === true
            ? `did not finish within ${Math.round(timeoutMs / 1000)} s`
            : (error as { code?: unknown }).code === 'ENOENT'
              ? 'the docker CLI is not installed (Debian: apt-get install docker.io)'
              : text || error.message;
        reject(new DockerCliError(`${what}: ${reason}`, text, { cause: error }));
      },
    );
  });
}

/** Like {@link docker}, but resolves null when stderr says the object does not exist. */
async function dockerUnlessMissing(
  args: readonly string[],
  options: RunOptions = {},
): Promise<string | null> {
  try {
    return await docker(args, options);
  } catch (error) {
    if (error instanceof DockerCliError && /no such|not found|not exist/i.test(error.stderr)) return null;
    throw error;
  }
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function elapsed(since: number): number {
  return Date.now() - since;
}

function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || address === 'localhost';
}

interface SwarmInfo {
  NodeID?: string;
  NodeAddr?: string;
  LocalNodeState?: string;
  ControlAvailable?: boolean;
  Error?: string;
  RemoteManagers?: { NodeID?: string; Addr?: string }[] | null;
}

async function swarmInfo(): Promise<SwarmInfo> {
  return JSON.parse(await docker(['info', '--format', '{{json .Swarm}}'])) as SwarmInfo;
}

/** docker0's address on the CI engine: what a container on any of its bridges reaches the host at. */
async function bridgeGateway(): Promise<string> {
  const config = JSON.parse(
    await docker(['network', 'inspect', 'bridge', '--format', '{{json .IPAM.Config}}']),
  ) as { Gateway?: string; Subnet?: string }[] | null;
  const gateway = (config ?? [])
    .map((entry) => entry.Gateway ?? '')
    .find((address) => /^\d+\./.test(address));
  if (gateway === undefined) {
    throw new Error(
      'The CI engine\'s "bridge" network has no IPv4 gateway (docker network inspect bridge): the swarm ' +
        'manager needs an address that node containers reach. Start dockerd with its default bridge (no --bridge=none).',
    );
  }
  return gateway;
}

async function initSwarm(address: string): Promise<void> {
  try {
    await docker(['swarm', 'init', '--advertise-addr', address, '--listen-addr', `${address}:2377`]);
  } catch (error) {
    // Another test process made it first: the caller reads the state again.
    if (error instanceof DockerCliError && /already part of a swarm/i.test(error.stderr)) return;
    throw error;
  }
}

/**
 * Makes the CI engine a swarm manager that worker containers can reach, and returns what a worker needs to join.
 * Idempotent, and safe when test processes call it at once. An inactive engine gets `docker swarm init
 * --advertise-addr <docker0's address>`. An engine already a manager is kept as it is, unless it advertises a
 * loopback address (which no container reaches): then, when the swarm has no service and no other node, it leaves
 * and is made again on docker0's address; otherwise this throws saying how to fix it. The engine stays a manager
 * afterwards (other test files may use the swarm): `docker swarm leave --force` undoes it.
 * @throws when the engine is a worker, locked, in error, or a busy manager on a loopback address.
 */
export async function ensureSwarmManager(options: { timeoutMs?: number } = {}): Promise<SwarmManager> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const info = await swarmInfo();
    const state = info.LocalNodeState ?? '';
    if (state === 'inactive') {
      await initSwarm(await bridgeGateway());
    } else if (state === 'active' && info.ControlAvailable !== true) {
      throw new Error(
        'The CI engine is a swarm worker, not a manager: the swarm tests need to run on a manager. ' +
          'Run them on the manager, or take this engine out of its swarm (docker swarm leave).',
      );
    } else if (state === 'active' && isLoopback(info.NodeAddr ?? '')) {
      const [services, nodes] = await Promise.all([
        docker(['service', 'ls', '-q']),
        docker(['node', 'ls', '-q']),
      ]);
      if (lines(services).length > 0 || lines(nodes).length > 1) {
        throw new Error(
          `The CI engine is a swarm manager advertising ${info.NodeAddr ?? '?'}, which node containers cannot ` +
            'reach, and its swarm is in use (services or other nodes), so the tests will not re-make it. Make the ' +
            'manager advertise a reachable address: docker swarm leave --force; docker swarm init --advertise-addr ' +
            `${await bridgeGateway().catch(() => '<docker0 address>')}.`,
        );
      }
      await docker(['swarm', 'leave', '--force']);
      await initSwarm(await bridgeGateway());
    } else if (state === 'active') {
      const nodeId = info.NodeID ?? '';
      const address = info.NodeAddr ?? '';
      const self = (info.RemoteManagers ?? []).find((manager) => manager.NodeID === nodeId);
      const workerJoinToken = await docker(['swarm', 'join-token', '-q', 'worker']);
      return { nodeId, address, joinAddress: self?.Addr ?? `${address}:2377`, workerJoinToken };
    } else if (state !== 'pending') {
      throw new Error(
        `The CI engine's swarm is "${state}"${info.Error ? ` (${info.Error})` : ''}: unlock it ` +
          '(docker swarm unlock) or leave it (docker swarm leave --force), then run the tests again.',
      );
    }
    if (Date.now() > deadline) {
      throw new Error(`The CI engine did not become an active swarm manager in time (state "${state}").`);
    }
    await sleep(state === 'pending' ? 500 : 0);
  }
}

function nodeName(prefix: string, index: number): string {
  return `${prefix}-n${index + 1}`;
}

function networkName(prefix: string): string {
  return `${prefix}-net`;
}

/** `<prefix>-n<number>`: the hostnames {@link startSwarmNodes} gives. */
function isNodeOf(prefix: string, hostname: string): boolean {
  return hostname.startsWith(`${prefix}-n`) && /^\d+$/.test(hostname.slice(prefix.length + 2));
}

function checkOptions(options: StartSwarmNodesOptions): void {
  const { prefix, count } = options;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(prefix)) {
    throw new Error(
      `Swarm node prefix "${prefix}": lowercase letters, digits and hyphens only (use uniqueId).`,
    );
  }
  if (!Number.isInteger(count) || count < 1) throw new Error(`Swarm node count ${count}: at least 1.`);
  if (nodeName(prefix, count - 1).length > 63) {
    throw new Error(
      `Swarm node prefix "${prefix}" is too long: "${nodeName(prefix, count - 1)}" is over 63.`,
    );
  }
  if ((options.labels?.length ?? 0) > count) {
    throw new Error(`${options.labels?.length} label sets for ${count} swarm nodes.`);
  }
}

async function requireImages(images: readonly string[]): Promise<void> {
  for (const image of images) {
    if ((await dockerUnlessMissing(['image', 'inspect', '--format', '{{.Id}}', image])) === null) {
      throw new Error(
        `Image ${image} is not on the CI engine, so it cannot be loaded into the swarm nodes: build it first ` +
          '(bash scripts/build-local-images.sh).',
      );
    }
  }
}

async function ensureNetwork(prefix: string): Promise<void> {
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
function loadImages(images: readonly string[], container: string, timeoutMs: number): Promise<void> {
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

async function waitForReady(nodeId: string, hostname: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let state = '';
  for (;;) {
    state =
      (await dockerUnlessMissing(['node', 'inspect', '--format', '{{.Status.State}}', nodeId])) ?? 'missing';
    if (state === 'ready') return;
    if (Date.now() > deadline) {
      throw new Error(
        `The swarm manager did not see node ${hostname} (${nodeId}) Ready within ${Math.round(timeoutMs / 1000)} s ` +
          `(state: ${state}).`,
      );
    }
    await sleep(250);
  }
}

async function removeNodeContainer(container: string): Promise<boolean> {
  return (
    (await dockerUnlessMissing(['rm', '--force', '--volumes', container], { timeoutMs: 120_000 })) !== null
  );
}

async function removeNodeEntry(nodeId: string): Promise<boolean> {
  return (await dockerUnlessMissing(['node', 'rm', '--force', nodeId])) !== null;
}

async function startOne(
  options: StartSwarmNodesOptions,
  manager: SwarmManager,
  index: number,
): Promise<SwarmNode> {
  const { prefix } = options;
  const name = nodeName(prefix, index);
  const timeouts = options.timeouts ?? {};
  const dockerdArgs = swarmNodeDockerdArgs(options.storageDriver);
  const started = Date.now();
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
  await waitForEngine(name, dockerdArgs, timeouts.engineMs ?? 60_000);
  const engineMs = elapsed(started);

  // Before the join: a node in the swarm must already have what its tasks run (nothing is pulled).
  const loading = Date.now();
  if (options.images.length > 0) await loadImages(options.images, name, timeouts.loadMs ?? 180_000);
  const loadMs = elapsed(loading);

  const joining = Date.now();
  const joinMs = timeouts.joinMs ?? 60_000;
  await docker(
    ['exec', name, 'docker', 'swarm', 'join', '--token', manager.workerJoinToken, manager.joinAddress],
    {
      timeoutMs: joinMs,
      describe: `swarm node ${name} joining the swarm at ${manager.joinAddress} (the node must reach that address)`,
    },
  );
  const nodeId = await docker(['exec', name, 'docker', 'info', '--format', '{{.Swarm.NodeID}}']);
  const labels = { ...(options.labels?.[index] ?? {}), [SWARM_NODE_LABEL]: prefix };
  await docker([
    'node',
    'update',
    ...Object.entries(labels).flatMap(([key, value]) => ['--label-add', `${key}=${value}`]),
    nodeId,
  ]);
  await waitForReady(nodeId, name, timeouts.readyMs ?? 60_000);
  const address = await docker([
    'inspect',
    '--format',
    `{{(index .NetworkSettings.Networks "${networkName(prefix)}").IPAddress}}`,
    name,
  ]);
  return {
    nodeId,
    hostname: name,
    containerName: name,
    address,
    timings: { engineMs, loadMs, joinMs: elapsed(joining), totalMs: elapsed(started) },
    stop: async () => {
      try {
        await docker(['kill', name]);
      } catch (error) {
        if (!(error instanceof DockerCliError && /is not running/i.test(error.stderr))) throw error;
      }
    },
    pause: async () => void (await docker(['pause', name])),
    unpause: async () => void (await docker(['unpause', name])),
    runningContainers: async (label) =>
      lines(await docker(['exec', name, 'docker', 'ps', '--quiet', '--filter', `label=${label}`])),
    remove: async () => {
      await removeNodeContainer(name);
      await removeNodeEntry(nodeId);
    },
  };
}

/**
 * Starts `count` worker nodes, in parallel: each a container of `gha-ephemeral/dind:local` on the network
 * `<prefix>-net` (made here), whose dockerd answers, holds `images` (loaded from the CI engine), has joined the
 * CI engine's swarm (see {@link ensureSwarmManager}) as a worker, carries its labels (and
 * `gha-ephemeral.swarm-node=<prefix>`), and is Ready for the manager. On failure, what it made is removed before
 * it rejects; call {@link removeSwarmNodes} in `afterAll` anyway.
 * @throws with what to fix: a missing image, a node whose dockerd the kernel refused, a join that failed, a step
 * over its bound.
 */
export async function startSwarmNodes(options: StartSwarmNodesOptions): Promise<SwarmNode[]> {
  checkOptions(options);
  await requireImages(options.images);
  const manager = await ensureSwarmManager();
  await ensureNetwork(options.prefix);
  try {
    // allSettled: a failed node must not leave the others starting while the cleanup below runs.
    const results = await Promise.allSettled(
      Array.from({ length: options.count }, (_unused, index) => startOne(options, manager, index)),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return results.map((result) => (result as PromiseFulfilledResult<SwarmNode>).value);
  } catch (error) {
    await removeSwarmNodes(options.prefix).catch(() => undefined);
    throw error;
  }
}

/**
 * Removes what {@link startSwarmNodes} made under `prefix`: the node containers (with their engines' storage),
 * their swarm node entries (`docker node rm --force`, found by label or by hostname) and the network. Idempotent;
 * meant for `afterAll`, even after a failed start.
 */
export async function removeSwarmNodes(prefix: string): Promise<RemovedSwarmNodes> {
  const containers = lines(
    await docker(['ps', '--all', '--quiet', '--filter', `label=${SWARM_NODE_LABEL}=${prefix}`]),
  );
  const removedContainers = await Promise.all(containers.map((id) => removeNodeContainer(id)));

  let removedNodes: boolean[] = [];
  const info = await swarmInfo();
  if (info.LocalNodeState === 'active' && info.ControlAvailable === true) {
    const listed = lines(await docker(['node', 'ls', '--format', '{{.ID}}\t{{.Hostname}}']));
    const labelled = new Set(
      lines(await docker(['node', 'ls', '--quiet', '--filter', `node.label=${SWARM_NODE_LABEL}=${prefix}`])),
    );
    const ids = listed
      .map((line) => line.split('\t'))
      .filter(([id, hostname]) => labelled.has(id ?? '') || isNodeOf(prefix, hostname ?? ''))
      .map(([id]) => id ?? '');
    removedNodes = await Promise.all(ids.map((id) => removeNodeEntry(id)));
  }

  const networks = lines(
    await docker(['network', 'ls', '--quiet', '--filter', `label=${SWARM_NODE_LABEL}=${prefix}`]),
  );
  const removedNetworks = await Promise.all(
    networks.map(async (id) => (await dockerUnlessMissing(['network', 'rm', id])) !== null),
  );
  const count = (results: boolean[]) => results.filter(Boolean).length;
  return {
    containers: count(removedContainers),
    nodes: count(removedNodes),
    networks: count(removedNetworks),
  };
}
