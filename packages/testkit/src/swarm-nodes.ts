import { setTimeout as sleep } from 'node:timers/promises';
import { docker, DockerCliError, dockerUnlessMissing, lines } from './docker-cli.js';
import { ensureSwarmManager, swarmInfo, type SwarmManager } from './swarm-manager.js';
import {
  ensureNetwork,
  loadImages,
  removeNodeContainer,
  requireImages,
  startNodeEngine,
  type SwarmNodeStorageDriver,
} from './swarm-node-engine.js';
import { isNodeOf, networkName, nodeName, SWARM_NODE_LABEL } from './swarm-node-names.js';

/**
 * A multi-node Docker swarm on one machine, for tests: the CI engine is the manager (see swarm-manager.ts), and
 * each worker node is a Docker engine in a container of its own (`gha-ephemeral/dind:local`, see
 * swarm-node-engine.ts) on a user-defined network. Everything goes through the `docker` CLI (execFile, no shell),
 * every call bounded in time.
 */

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

function elapsed(since: number): number {
  return Date.now() - since;
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

async function removeNodeEntry(nodeId: string): Promise<boolean> {
  return (await dockerUnlessMissing(['node', 'rm', '--force', nodeId])) !== null;
}

/** `docker swarm join` from the node `name`, its labels, and until the manager sees it Ready; its node id. */
async function joinSwarm(
  options: StartSwarmNodesOptions,
  manager: SwarmManager,
  index: number,
  name: string,
): Promise<string> {
  const timeouts = options.timeouts ?? {};
  const joinMs = timeouts.joinMs ?? 60_000;
  await docker(
    ['exec', name, 'docker', 'swarm', 'join', '--token', manager.workerJoinToken, manager.joinAddress],
    {
      timeoutMs: joinMs,
      describe: `swarm node ${name} joining the swarm at ${manager.joinAddress} (the node must reach that address)`,
    },
  );
  const nodeId = await docker(['exec', name, 'docker', 'info', '--format', '{{.Swarm.NodeID}}']);
  const labels = { ...(options.labels?.[index] ?? {}), [SWARM_NODE_LABEL]: options.prefix };
  await docker([
    'node',
    'update',
    ...Object.entries(labels).flatMap(([key, value]) => ['--label-add', `${key}=${value}`]),
    nodeId,
  ]);
  await waitForReady(nodeId, name, timeouts.readyMs ?? 60_000);
  return nodeId;
}

/** The handle of the started node `name`. */
function nodeHandle(name: string, nodeId: string, address: string, timings: SwarmNodeTimings): SwarmNode {
  return {
    nodeId,
    hostname: name,
    containerName: name,
    address,
    timings,
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

async function startOne(
  options: StartSwarmNodesOptions,
  manager: SwarmManager,
  index: number,
): Promise<SwarmNode> {
  const { prefix } = options;
  const name = nodeName(prefix, index);
  const timeouts = options.timeouts ?? {};
  const started = Date.now();
  await startNodeEngine(prefix, name, {
    engineImage: options.engineImage,
    storageDriver: options.storageDriver,
    timeoutMs: timeouts.engineMs ?? 60_000,
  });
  const engineMs = elapsed(started);

  // Before the join: a node in the swarm must already have what its tasks run (nothing is pulled).
  const loading = Date.now();
  if (options.images.length > 0) await loadImages(options.images, name, timeouts.loadMs ?? 180_000);
  const loadMs = elapsed(loading);

  const joining = Date.now();
  const nodeId = await joinSwarm(options, manager, index, name);
  const address = await docker([
    'inspect',
    '--format',
    `{{(index .NetworkSettings.Networks "${networkName(prefix)}").IPAddress}}`,
    name,
  ]);
  const timings = { engineMs, loadMs, joinMs: elapsed(joining), totalMs: elapsed(started) };
  return nodeHandle(name, nodeId, address, timings);
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
