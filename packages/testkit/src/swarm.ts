import { setTimeout as sleep } from 'node:timers/promises';
import Dockerode from 'dockerode';
import { removeContainersByLabel } from './docker-cleanup.js';
import { ensureSwarmManager } from './swarm-manager.js';

/** What {@link ensureSwarm} found or made. */
export interface SwarmInfo {
  /** The local node's id (`node.id==<it>` pins a service to this engine, where the test images are). */
  nodeId: string;
  /** True when this call made the engine a manager. */
  initialized: boolean;
}

interface SwarmState {
  Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string };
}

function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Makes sure the local engine is a Swarm manager and returns its node id; never leaves the Swarm afterwards (other
 * test files may use it). An engine in no Swarm is made a manager by {@link ensureSwarmManager}, which advertises
 * docker0's address rather than 127.0.0.1: worker nodes in containers (`startSwarmNodes`) must reach it, and a
 * Swarm on a loopback address would have to be made again for them, under the feet of tests using it. Safe when
 * several test files call it at once.
 * @throws when the engine is a Swarm worker, or the Swarm does not come up in time.
 */
export async function ensureSwarm(docker: Dockerode = new Dockerode()): Promise<SwarmInfo> {
  const before = ((await docker.info()) as SwarmState).Swarm;
  if (
    before?.LocalNodeState === 'active' &&
    before.ControlAvailable === true &&
    before.NodeID !== undefined
  ) {
    return { nodeId: before.NodeID, initialized: false };
  }
  if (before?.LocalNodeState === 'active') {
    throw new Error('The local Docker engine is a Swarm worker; the Swarm tests need a manager.');
  }
  const manager = await ensureSwarmManager();
  return { nodeId: manager.nodeId, initialized: true };
}

/**
 * Removes every Swarm service, then every secret, then every network that carries `label=value`. Networks wait
 * (a bounded while) for the endpoints of the services' tasks to go.
 * @returns how many objects it removed.
 */
export async function removeSwarmObjectsByLabel(label: string, value: string): Promise<number> {
  const docker = new Dockerode();
  const filters = { label: [`${label}=${value}`] };
  let removed = 0;
  const ignoreGone = (error: unknown) => {
    // The Swarm answers 500 "not found" for an overlay network it removed a moment ago.
    const message = error instanceof Error ? error.message : String(error);
    if (statusCode(error) !== 404 && !/not found/i.test(message)) throw error;
  };
  const services = await docker.listServices({ filters });
  await Promise.all(services.map((service) => retireJob(docker, service.ID).catch(ignoreGone)));
  for (const service of services) {
    await docker
      .getService(service.ID)
      .remove()
      .then(() => (removed += 1), ignoreGone);
  }
  // A backstop for task containers the Swarm left behind (see retireJob).
  await removeContainersByLabel(label, value);
  const deadline = Date.now() + 20_000;
  for (const secret of await docker.listSecrets({ filters })) {
    await retryWhileInUse(() => docker.getSecret(secret.ID).remove(), deadline).then(
      () => (removed += 1),
      ignoreGone,
    );
  }
  for (const network of await docker.listNetworks({ filters })) {
    await retryWhileInUse(() => docker.getNetwork(network.Id).remove(), deadline).then(
      () => (removed += 1),
      ignoreGone,
    );
  }
  return removed;
}

/**
 * Updates a `replicated-job` service to zero completions and waits (a bounded while) until its tasks are told to
 * go: Docker does not stop nor remove the tasks of a deleted job service (moby/moby#42789), so deleting it alone
 * would leave its container running. The runtime-swarm adapter does the same in its `remove`.
 */
async function retireJob(docker: Dockerode, serviceId: string): Promise<void> {
  const info = (await docker.getService(serviceId).inspect()) as {
    Version?: { Index?: number };
    Spec: {
      Mode?: { ReplicatedJob?: { TotalCompletions?: number } };
      TaskTemplate?: { ForceUpdate?: number };
    };
  };
  const job = info.Spec.Mode?.ReplicatedJob;
  if (job === undefined) return;
  if (job.TotalCompletions !== 0) {
    const spec = {
      ...info.Spec,
      Mode: { ReplicatedJob: { ...job, TotalCompletions: 0 } },
      TaskTemplate: {
        ...info.Spec.TaskTemplate,
        ForceUpdate: (info.Spec.TaskTemplate?.ForceUpdate ?? 0) + 1,
      },
    };
    const dial = (docker.modem as unknown as { dial: Dial }).dial.bind(docker.modem);
    await new Promise<void>((resolve, reject) =>
      dial(
        {
          path: `/services/${serviceId}/update?`,
          method: 'POST',
          options: { _query: { version: info.Version?.Index ?? 0 }, _body: spec },
          statusCodes: { 200: true },
        },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  }
  const ended = new Set(['complete', 'shutdown', 'failed', 'rejected', 'remove', 'orphaned']);
  const told = (task: { ServiceID?: string; DesiredState?: string; Status?: { State?: string } }) =>
    task.ServiceID !== serviceId ||
    task.DesiredState === 'remove' ||
    task.DesiredState === 'shutdown' ||
    ended.has(task.Status?.State ?? '');
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const tasks = (await docker.listTasks({ filters: { service: [serviceId] } })) as Parameters<
      typeof told
    >[0][];
    if (tasks.every(told)) return;
    await sleep(100);
  }
}

type Dial = (options: object, callback: (error: Error | null) => void) => void;

async function retryWhileInUse(remove: () => Promise<unknown>, deadline: number): Promise<void> {
  for (;;) {
    try {
      await remove();
      return;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!/in use|active endpoints/i.test(message) || Date.now() > deadline) throw error;
      await sleep(250);
    }
  }
}
