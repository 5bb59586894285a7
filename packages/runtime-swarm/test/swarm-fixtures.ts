import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSwarm, removeSwarmObjectsByLabel, requireDockerEngine } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { buildTestImage } from '../../runtime-docker/test/docker-fixtures.js';
import type { RuntimeContractFixtures } from '../../runtime-docker/test/runtime-contract.js';
import { SwarmRuntime, type SwarmRuntimeOptions } from '../src/index.js';

/** A Swarm service id: 25 lowercase letters and digits. */
export const SWARM_ID = /^[0-9a-z]{25}$/;

/**
 * Options for runtimes under test: pinned to this engine's node (the test image exists only here, and other test
 * files may add worker nodes to the Swarm), short waits.
 */
export async function testRuntimeOptions(): Promise<SwarmRuntimeOptions> {
  const { nodeId } = await ensureSwarm();
  return {
    placement: { constraints: [`node.id==${nodeId}`] },
    placementTimeoutMs: 3_000,
    startTimeoutMs: 30_000,
    requestTimeoutMs: 20_000,
    watchIntervals: { liveMs: 300, idleMs: 2_000 },
  };
}

/** The contract's fixtures on the local engine as a Swarm manager. */
export function createSwarmFixtures(options: () => SwarmRuntimeOptions): RuntimeContractFixtures {
  const docker = new Dockerode();
  return {
    requireEngine: async () => {
      await requireDockerEngine();
      await ensureSwarm(docker);
    },
    prepareTestImage: () => buildTestImage(docker),
    createNetwork: async (name, labels) => {
      await docker.createNetwork({ Name: name, Driver: 'overlay', Attachable: true, Labels: { ...labels } });
      return name;
    },
    removeByLabel: async (label, value) => {
      await removeSwarmObjectsByLabel(label, value);
    },
    makeUnreachableRuntime: () =>
      new SwarmRuntime({
        ...options(),
        docker: new Dockerode({ socketPath: join(tmpdir(), 'gha-ephemeral-no-such-engine.sock') }),
      }),
    capabilities: {
      idPattern: SWARM_ID,
      // Overlay networks have no switch for traffic between their members.
      isolatedNetworks: false,
      // Taking a network from a service re-runs its job.
      detachesOnNetworkRemoval: false,
    },
  };
}
