import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '@gha-ephemeral/contract';
import {
  DockerNetworks,
  engineMessage,
  engineStatusCode,
  type EnsureNetworkOptions,
  type RunnerNetwork,
} from '@gha-ephemeral/runtime-docker';
import type { SwarmEngine } from './swarm-engine.js';
import type { SwarmService } from './swarm-types.js';

// How long a removal waits for the endpoints of tasks that were just stopped to go.
const ENDPOINTS_WAIT_MS = 15_000;

interface NetworkSummary {
  Id: string;
  Name: string;
  Driver?: string;
}

/**
 * The runtime's networks on a Swarm: attachable overlay networks, which span the nodes and which plain containers
 * may join too. An overlay network has no switch for traffic between its members, so a network made with
 * `interContainer: false` is still open, and says so (`interContainer: true`).
 */
export class SwarmNetworks {
  private readonly local: DockerNetworks;

  constructor(private readonly engine: SwarmEngine) {
    this.local = new DockerNetworks(engine.docker, engine.context);
  }

  /** See {@link RunnerRuntime.ensureNetwork}. */
  async ensure(name: string, opts: EnsureNetworkOptions): Promise<RunnerNetwork> {
    const { signal } = opts;
    const existing = await this.find(name, signal);
    if (existing !== null) return { name, created: false, interContainer: isOpen(existing) };
    let created = true;
    try {
      await this.engine.request(`create network ${name}`, signal, {
        method: 'POST',
        path: '/networks/create',
        body: {
          Name: name,
          Driver: 'overlay',
          Attachable: true,
          // Two orchestrators starting at once make one network: the second gets a 409.
          CheckDuplicate: true,
          Labels: { ...(opts.labels ?? {}), 'gha-ephemeral.managed': 'true' },
        },
      });
    } catch (error) {
      if (engineStatusCode(error) !== 409) throw error;
      created = false;
    }
    const made = await this.find(name, signal);
    if (made === null) throw new Error(`the network "${name}" was created, but the engine does not list it`);
    return { name, created, interContainer: isOpen(made) };
  }

  /**
   * See {@link RunnerRuntime.removeNetwork}. Refuses (not retryable until they are gone) while runners' services
   * use it: taking a network from a Swarm service means updating the service, which re-runs a job.
   */
  async remove(name: string, signal: AbortSignal | undefined): Promise<boolean> {
    const found = await this.find(name, signal);
    if (found === null) return false;
    const users = await this.servicesOn(found.Id, signal);
    if (users.length > 0) {
      throw new AppError(
        'runtime.failed',
        `The network "${name}" is still used by the Swarm service(s) ${users.join(', ')}: a service cannot leave a ` +
          'network without being re-run. Remove those runners first, then the network.',
        { retryable: false, details: { reason: 'network_in_use', name } },
      );
    }
    const deadline = Date.now() + ENDPOINTS_WAIT_MS;
    for (;;) {
      try {
        const removed = await this.local.remove(name, signal);
        // The manager forgets the network at once, the node's own view a moment later: until then it would
        // still be found, and ensureNetwork would take it for an existing network.
        await this.waitUntilGone(name, deadline, signal);
        return removed;
      } catch (error) {
        // The Swarm answers 500 "not found" for an overlay network removed meanwhile: what the caller wanted.
        if (/not found/i.test(engineMessage(error))) return false;
        // Tasks of services removed a moment ago leave their endpoints behind for a while.
        if (!/active endpoints|in use/i.test(engineMessage(error)) || Date.now() > deadline) throw error;
        await sleep(250, undefined, signal === undefined ? {} : { signal });
      }
    }
  }

  /** See {@link RunnerRuntime.listNetworks}. */
  list(labels: Readonly<Record<string, string>>, signal: AbortSignal | undefined) {
    return this.local.list(labels, signal);
  }

  private async waitUntilGone(
    name: string,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    while ((await this.find(name, signal)) !== null && Date.now() < deadline) {
      await sleep(100, undefined, signal === undefined ? {} : { signal });
    }
  }

  private async servicesOn(networkId: string, signal: AbortSignal | undefined): Promise<string[]> {
    const services = await this.engine.request<SwarmService[]>('list services', signal, {
      method: 'GET',
      path: '/services',
    });
    return services
      .filter((service) => (service.Spec.TaskTemplate?.Networks ?? []).some((n) => n.Target === networkId))
      .map((service) => service.Spec.Name);
  }

  private async find(name: string, signal: AbortSignal | undefined): Promise<NetworkSummary | null> {
    const found = await this.engine.request<NetworkSummary[]>(`list networks named ${name}`, signal, {
      method: 'GET',
      path: '/networks',
      query: { filters: { name: [name] } },
    });
    // The engine's name filter matches parts of names: keep the exact one.
    return found.find((candidate) => candidate.Name === name) ?? null;
  }
}

/** Only a bridge can turn traffic between its members off; every network this class makes is open. */
function isOpen(network: NetworkSummary & { Options?: Record<string, string> | null }): boolean {
  return network.Driver !== 'bridge' || network.Options?.['com.docker.network.bridge.enable_icc'] !== 'false';
}
