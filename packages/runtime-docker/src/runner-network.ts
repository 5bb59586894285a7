import type Dockerode from 'dockerode';
import { engineStatusCode } from './docker-errors.js';
import type { RunnerNetwork } from './runtime.js';

/** Docker's bridge option that turns inter-container traffic on one network off (iptables DROP between them). */
const ICC_OPTION = 'com.docker.network.bridge.enable_icc';

/** The engine calls this needs, each already bounded by the caller's deadline. */
export interface NetworkCalls {
  /** The network named exactly `name`, or null. */
  find(name: string): Promise<Dockerode.NetworkInspectInfo | null>;
  create(options: Dockerode.NetworkCreateOptions): Promise<unknown>;
}

function describe(name: string, info: Dockerode.NetworkInspectInfo, created: boolean): RunnerNetwork {
  const icc = info.Options?.[ICC_OPTION];
  // Only a bridge says; on other drivers (overlay, macvlan) containers reach each other unless told otherwise.
  return { name, created, interContainer: info.Driver !== 'bridge' || icc !== 'false' };
}

/**
 * Finds the network, or makes it: a bridge with inter-container traffic off, so runners reach the outside (GitHub,
 * registries) but neither each other nor the services on other networks (Docker isolates bridge networks). With
 * `interContainer`, an ordinary bridge: a private network of a runner and its engine sidecar.
 */
export async function ensureRunnerNetwork(
  calls: NetworkCalls,
  name: string,
  options: { labels: Readonly<Record<string, string>>; interContainer: boolean },
): Promise<RunnerNetwork> {
  const { labels, interContainer } = options;
  const existing = await calls.find(name);
  if (existing !== null) return describe(name, existing, false);
  let created = true;
  try {
    await calls.create({
      Name: name,
      Driver: 'bridge',
      // Two orchestrators starting at once make one network: the second gets a 409.
      CheckDuplicate: true,
      Options: { [ICC_OPTION]: String(interContainer) },
      Labels: { ...labels, 'gha-ephemeral.managed': 'true' },
    });
  } catch (error) {
    if (engineStatusCode(error) !== 409) throw error;
    created = false;
  }
  const made = await calls.find(name);
  if (made === null) throw new Error(`the network "${name}" was created, but the engine does not list it`);
  return describe(name, made, created);
}
