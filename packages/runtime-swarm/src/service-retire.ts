import { setTimeout as sleep } from 'node:timers/promises';
import { engineMessage, engineStatusCode } from '@gha-ephemeral/runtime-docker';
import type { SwarmEngine } from './swarm-engine.js';

// How long removal waits for the Swarm to tell the task to go (the orchestrator acts on an update in ms).
const RETIRE_WAIT_MS = 5_000;

/** A service as `GET /services/{id}` returns it, with what an update needs. */
interface UpdatableService {
  ID: string;
  Version?: { Index?: number };
  Spec: { Mode?: { ReplicatedJob?: { TotalCompletions?: number } }; TaskTemplate?: { ForceUpdate?: number } };
}

/**
 * Tells the Swarm to stop and remove a runner's task, before its service is deleted. Needed because Docker (up to
 * at least 20.10, moby/moby#42789 and #44312) neither stops nor removes the tasks of a `replicated-job` service
 * that is deleted: the runner would keep running, its container and task kept forever. Updating the job to zero
 * completions makes the Swarm set the task's desired state to `remove` (the node stops it and removes its
 * container; the task is then deleted) and start no other. Returns once the task has been told, or after a
 * bounded wait, with the service's tasks; a concurrent update (another removal) counts as done.
 */
export async function retireJob(
  engine: SwarmEngine,
  serviceId: string,
  signal: AbortSignal | undefined,
): Promise<RetiringTask[]> {
  const service = await engine.request<UpdatableService>(`inspect service ${serviceId}`, signal, {
    method: 'GET',
    path: `/services/${serviceId}`,
  });
  if (service.Spec.Mode?.ReplicatedJob === undefined) return [];
  if (service.Spec.Mode.ReplicatedJob.TotalCompletions !== 0) {
    const spec = {
      ...service.Spec,
      Mode: { ReplicatedJob: { ...service.Spec.Mode.ReplicatedJob, TotalCompletions: 0 } },
      // A new job iteration, so the Swarm acts on the change at once.
      TaskTemplate: {
        ...service.Spec.TaskTemplate,
        ForceUpdate: (service.Spec.TaskTemplate?.ForceUpdate ?? 0) + 1,
      },
    };
    try {
      await engine.request(`retire service ${serviceId}`, signal, {
        method: 'POST',
        path: `/services/${serviceId}/update`,
        query: { version: service.Version?.Index ?? 0 },
        body: spec,
      });
    } catch (error) {
      // Another removal updated it first (out of sequence), or deleted it: both are what this one wanted.
      if (engineStatusCode(error) === 404 || /out of sequence/i.test(engineMessage(error))) return [];
      throw error;
    }
  }
  return waitUntilTold(engine, serviceId, signal);
}

interface RetiringTask {
  ServiceID: string;
  NodeID?: string;
  DesiredState?: string;
  Status?: { State?: string; ContainerStatus?: { ContainerID?: string } };
}

// A task in one of these states is not told anything more: its container has ended.
const ENDED = new Set(['complete', 'shutdown', 'failed', 'rejected', 'remove', 'orphaned']);

/**
 * Waits until every task of the service has ended or been told to go, and returns the tasks. A task that had
 * already ended keeps its (exited) container: the Swarm never removes it for a deleted job.
 */
async function waitUntilTold(
  engine: SwarmEngine,
  serviceId: string,
  signal: AbortSignal | undefined,
): Promise<RetiringTask[]> {
  const deadline = Date.now() + RETIRE_WAIT_MS;
  for (;;) {
    const tasks = await engine.request<RetiringTask[]>('list tasks', signal, {
      method: 'GET',
      path: '/tasks',
      query: { filters: { service: [serviceId] } },
    });
    const mine = tasks.filter((task) => task.ServiceID === serviceId);
    const told = (task: RetiringTask) =>
      task.DesiredState === 'remove' ||
      task.DesiredState === 'shutdown' ||
      ENDED.has(task.Status?.State ?? '');
    if (mine.every(told) || Date.now() > deadline) return mine;
    await sleep(100, undefined, signal === undefined ? {} : { signal });
  }
}

/**
 * Removes the exited containers of ended tasks that ran on this engine's own node (the manager's): the Swarm leaves
 * them behind for a deleted job. Those on other nodes cannot be reached through the manager (see the README).
 */
export async function removeEndedContainers(
  engine: SwarmEngine,
  tasks: readonly RetiringTask[],
  localNodeId: string | undefined,
): Promise<void> {
  for (const task of tasks) {
    const containerId = task.Status?.ContainerStatus?.ContainerID;
    if (containerId === undefined || task.NodeID !== localNodeId || !ENDED.has(task.Status?.State ?? ''))
      continue;
    await engine
      .request(`remove container ${containerId}`, undefined, {
        method: 'DELETE',
        path: `/containers/${containerId}`,
        query: { force: true, v: true },
      })
      .catch(() => undefined);
  }
}
