import { setTimeout as sleep } from 'node:timers/promises';
import { docker, DockerCliError, lines } from './docker-cli.js';

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

/** The CI engine's `docker info` swarm section. */
export async function swarmInfo(): Promise<SwarmInfo> {
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
