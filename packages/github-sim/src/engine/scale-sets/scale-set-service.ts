import type { RunnerService } from '../runner-service.js';
import { RunnerServiceError } from '../runner-service.js';
import { scopeKey } from '../../state/store.js';
import type { SimStore } from '../../state/store.js';
import type { SimScaleSet } from '../../state/scale-set-types.js';
import type { RunnerScope, SimRunner } from '../../state/types.js';
import { ActionsServiceError, scaleSetNotFound } from './actions-error.js';
import { ScaleSetAssigner } from './assignment.js';
import { buildJobMessage } from './job-messages.js';
import { ScaleSetQueues } from './queue.js';
import { ScaleSetSessions } from './sessions.js';

/** What creating or updating a scale set sets. */
export interface ScaleSetInput {
  name: string;
  runnerGroupId: number;
  labels: { name: string; type: string }[];
  disableUpdate: boolean;
}

/** The only runner group: id 1, `Default` (matched case-insensitively, so `default` finds it). */
export const DEFAULT_RUNNER_GROUP = { id: 1, name: 'Default' } as const;

const withNameLabel = (name: string, labels: ScaleSetInput['labels']): ScaleSetInput['labels'] =>
  labels.some((l) => l.name.toLowerCase() === name.toLowerCase())
    ? labels
    : [{ name, type: 'System' }, ...labels];

/**
 * The Actions service's runner scale sets: their records, sessions and queues, job assignment, their JIT
 * runners and the runner (agent) calls. Routes and the control API both go through it.
 */
export class ScaleSetService {
  readonly queues = new ScaleSetQueues();
  readonly sessions: ScaleSetSessions;
  readonly assigner: ScaleSetAssigner;

  constructor(
    private readonly store: SimStore,
    private readonly runners: RunnerService,
  ) {
    this.sessions = new ScaleSetSessions(store, this.queues);
    this.assigner = new ScaleSetAssigner(store, this.queues);
    store.onJob((action, job) => this.assigner.onJobEvent(action, job));
  }

  /** The scale sets of exactly this scope, oldest first. */
  listIn(scope: RunnerScope): SimScaleSet[] {
    const key = scopeKey(scope);
    return [...this.store.scaleSets.values()].filter((s) => scopeKey(s.scope) === key);
  }

  /** A scale set of this scope, or 404 `RunnerScaleSetNotFoundException`. */
  require(scope: RunnerScope, id: number): SimScaleSet {
    const found = this.store.scaleSets.get(id);
    if (!found || scopeKey(found.scope) !== scopeKey(scope)) throw scaleSetNotFound(id);
    return found;
  }

  /** Creates a scale set; 409 `RunnerScaleSetExistsException` when the group has one of that name. */
  create(scope: RunnerScope, input: ScaleSetInput, serviceUrl: string): SimScaleSet {
    this.ensureNameFree(scope, input.name, input.runnerGroupId, undefined);
    const scaleSet: SimScaleSet = {
      id: this.store.ids.take('scaleSet'),
      name: input.name,
      scope,
      runnerGroupId: input.runnerGroupId,
      labels: withNameLabel(input.name, input.labels),
      disableUpdate: input.disableUpdate,
      createdOn: new Date().toISOString(),
      serviceUrl,
      session: null,
      pending: [],
      unacked: [],
      nextMessageId: 1,
      lastMaxCapacity: null,
    };
    this.store.scaleSets.set(scaleSet.id, scaleSet);
    // Jobs queued before the set existed are assigned now, as GitHub does once a matching set appears.
    this.assigner.assignWaiting();
    this.store.changed();
    return scaleSet;
  }

  /** Changes a scale set's name, labels or settings (fields left undefined stay). */
  update(scaleSet: SimScaleSet, patch: Partial<ScaleSetInput>): SimScaleSet {
    const name = patch.name ?? scaleSet.name;
    const group = patch.runnerGroupId ?? scaleSet.runnerGroupId;
    this.ensureNameFree(scaleSet.scope, name, group, scaleSet.id);
    scaleSet.name = name;
    scaleSet.runnerGroupId = group;
    scaleSet.labels = withNameLabel(name, patch.labels ?? scaleSet.labels);
    if (patch.disableUpdate !== undefined) scaleSet.disableUpdate = patch.disableUpdate;
    this.assigner.assignWaiting();
    this.store.changed();
    return scaleSet;
  }

  /** Deletes a scale set: its session ends, its idle runners are unregistered, its queued jobs move on. */
  delete(scaleSet: SimScaleSet): void {
    this.sessions.end(scaleSet);
    this.store.scaleSets.delete(scaleSet.id);
    for (const runner of [...this.store.runners.values()]) {
      if (runner.scaleSetId === scaleSet.id && runner.jobId === null) this.runners.deleteRunner(runner);
    }
    this.assigner.releaseJobsOf(scaleSet.id);
    this.store.changed();
  }

  /** Registers an ephemeral JIT runner of the set; 409 `AgentExistsException` when the name is taken. */
  addJitRunner(scaleSet: SimScaleSet, name: string, workFolder: string): SimRunner {
    try {
      return this.runners.addRunner(scaleSet.scope, {
        name,
        labels: scaleSet.labels.map((l) => l.name),
        noDefaultLabels: true,
        ephemeral: true,
        runnerGroupId: scaleSet.runnerGroupId,
        workFolder,
        configuredBy: 'jit',
        scaleSetId: scaleSet.id,
      });
    } catch (error) {
      if (error instanceof RunnerServiceError && error.code === 'name_conflict')
        throw new ActionsServiceError(409, 'AgentExistsException', error.message);
      if (error instanceof RunnerServiceError)
        throw new ActionsServiceError(400, 'ArgumentException', error.message);
      throw error;
    }
  }

  /** Acquires offered jobs (GHES): each becomes assigned (`JobAssigned` follows); returns the ids now held. */
  acquire(scaleSet: SimScaleSet, runnerRequestIds: readonly number[]): number[] {
    const wanted = new Set(runnerRequestIds);
    const acquired: number[] = [];
    for (const job of this.store.jobs.values()) {
      const request = job.scaleSet;
      if (!request || request.scaleSetId !== scaleSet.id || job.status !== 'queued') continue;
      if (!wanted.has(request.runnerRequestId)) continue;
      if (request.state === 'available') {
        request.state = 'assigned';
        this.queues.enqueue(scaleSet, buildJobMessage(this.store, scaleSet, job, 'JobAssigned'));
      }
      acquired.push(request.runnerRequestId);
    }
    this.store.changed();
    return acquired.sort((a, b) => a - b);
  }

  /** A runner of the scope, or 404 `AgentNotFoundException`. */
  requireAgent(scope: RunnerScope, id: number): SimRunner {
    const runner = this.store.runners.get(id);
    if (!runner || scopeKey(runner.scope) !== scopeKey(scope))
      throw new ActionsServiceError(404, 'AgentNotFoundException', `No agent found with identifier ${id}.`);
    return runner;
  }

  /** Unregisters a runner; 400 `JobStillRunningException` while it runs a job. */
  removeAgent(runner: SimRunner): void {
    if (runner.jobId !== null) {
      throw new ActionsServiceError(
        400,
        'JobStillRunningException',
        `The agent ${runner.name} is still running job ${runner.jobId}.`,
      );
    }
    this.runners.deleteRunner(runner);
  }

  /** Long polls open right now, by scale set id. */
  openPolls(): Record<string, number> {
    return Object.fromEntries(
      [...this.store.scaleSets.values()].map((s) => [String(s.id), s.session?.openPolls ?? 0]),
    );
  }

  /** Expires idle sessions and cancels-and-reassigns jobs no runner took in time. */
  sweep(now = Date.now()): void {
    this.sessions.sweep(now);
    this.assigner.sweep(now);
  }

  /** Ends every open poll (the simulator is closing). */
  close(): void {
    this.sessions.close();
  }

  private ensureNameFree(scope: RunnerScope, name: string, groupId: number, self: number | undefined): void {
    const taken = this.listIn(scope).some(
      (s) => s.id !== self && s.runnerGroupId === groupId && s.name.toLowerCase() === name.toLowerCase(),
    );
    if (taken) {
      throw new ActionsServiceError(
        409,
        'RunnerScaleSetExistsException',
        `A runner scale set named ${name} already exists in runner group ${groupId}.`,
      );
    }
  }
}
