import type { RunnerContainer } from '@gha-ephemeral/runtime-docker';
import type { SwarmService, SwarmTask } from './swarm-types.js';

/**
 * The exit code of a runner that never ran: no node could take it, its node refused it (a missing image), or its
 * container could not start. 125 is what `docker run` returns when the engine, not the command, failed.
 */
export const NOT_RUN_EXIT_CODE = 125;

/** What {@link describeRunner} needs besides the service and its task. */
export interface DescribeContext {
  /** Now, in milliseconds since the epoch. */
  now: number;
  /** How long a task may wait for a node before it counts as failed. */
  placementTimeoutMs: number;
  /** Ids of the nodes the Swarm reports `down`. */
  downNodes: ReadonlySet<string>;
}

/** A runner as the port reports it, plus what the event watch needs. */
export interface DescribedRunner {
  container: RunnerContainer;
  /** True when its process got to run (so an `exited` is preceded by a `started`). */
  ran: boolean;
}

// Before `running`: the task is being scheduled, its image fetched, its container made.
const NOT_YET_STARTED = new Set([
  'new',
  'allocated',
  'pending',
  'assigned',
  'accepted',
  'preparing',
  'ready',
  'starting',
]);
// Not yet on a node: only these can be stuck for want of a node.
const UNASSIGNED = new Set(['new', 'allocated', 'pending']);
const ENDED = new Set(['complete', 'shutdown', 'failed', 'rejected', 'remove', 'orphaned']);

/** The newest task of a service (a job with no restart has one; a re-run would add more). */
export function newestTask(tasks: readonly SwarmTask[]): SwarmTask | undefined {
  let newest: SwarmTask | undefined;
  for (const task of tasks) {
    if (newest === undefined || Date.parse(task.CreatedAt) > Date.parse(newest.CreatedAt)) newest = task;
  }
  return newest;
}

/**
 * A runner (one service, one task) as a {@link RunnerContainer}: `id` and `name` are the service's, `state` and
 * `exitCode` the task's. Before its task runs it is `created`; a task pending for want of a node longer than
 * `placementTimeoutMs`, one its node refused, and one on a node that is down are `exited`, with a `reason`.
 */
export function describeRunner(
  service: SwarmService,
  task: SwarmTask | undefined,
  context: DescribeContext,
): DescribedRunner {
  const created = new Date(service.CreatedAt);
  const base = {
    id: service.ID,
    name: service.Spec.Name,
    image: service.Spec.TaskTemplate?.ContainerSpec?.Image ?? '',
    labels: { ...(service.Spec.Labels ?? {}) },
    createdAt: Number.isNaN(created.getTime()) ? service.CreatedAt : created.toISOString(),
  };
  if (task === undefined) return { container: { ...base, state: 'created', exitCode: null }, ran: false };
  const outcome = taskOutcome(task, context);
  const container: RunnerContainer = { ...base, state: outcome.state, exitCode: outcome.exitCode };
  if (outcome.reason !== undefined) container.reason = outcome.reason;
  return { container, ran: outcome.ran };
}

interface TaskOutcome {
  state: RunnerContainer['state'];
  exitCode: number | null;
  reason?: string;
  ran: boolean;
}

function taskOutcome(task: SwarmTask, context: DescribeContext): TaskOutcome {
  const state = task.Status.State;
  const err = task.Status.Err ?? '';
  const exitCode = task.Status.ContainerStatus?.ExitCode;
  const onDownNode = task.NodeID !== undefined && task.NodeID !== '' && context.downNodes.has(task.NodeID);
  if (NOT_YET_STARTED.has(state) || state === 'running') {
    if (onDownNode) {
      return {
        state: 'exited',
        exitCode: null,
        reason: `its node ${task.NodeID} is down`,
        ran: state === 'running',
      };
    }
    if (state === 'running') return { state: 'running', exitCode: null, ran: true };
    const waited = context.now - Date.parse(task.CreatedAt);
    if (UNASSIGNED.has(state) && err !== '' && waited >= context.placementTimeoutMs) {
      const seconds = Math.round(context.placementTimeoutMs / 1000);
      return {
        state: 'exited',
        exitCode: NOT_RUN_EXIT_CODE,
        reason: `no node could take it within ${seconds} s: ${err}`,
        ran: false,
      };
    }
    return { state: 'created', exitCode: null, ran: false };
  }
  if (!ENDED.has(state))
    return { state: 'dead', exitCode: null, reason: `unknown task state "${state}"`, ran: false };
  switch (state) {
    case 'complete':
      // The engine leaves a zero exit code out of the status.
      return { state: 'exited', exitCode: exitCode ?? 0, ran: true };
    case 'failed':
      if (exitCode !== undefined) return { state: 'exited', exitCode, ran: true };
      return { state: 'exited', exitCode: NOT_RUN_EXIT_CODE, reason: err || 'its task failed', ran: false };
    case 'rejected':
      return {
        state: 'exited',
        exitCode: NOT_RUN_EXIT_CODE,
        reason: `its node refused it: ${err}`,
        ran: false,
      };
    default:
      // shutdown, remove, orphaned: stopped by the Swarm (its node was drained or lost), not by its process.
      return {
        state: 'exited',
        exitCode: exitCode ?? null,
        reason: err || `its task was ${state === 'orphaned' ? 'orphaned (its node was lost)' : 'shut down'}`,
        ran: task.Status.ContainerStatus?.ContainerID !== undefined,
      };
  }
}
