import { completeJob } from '../jobs.js';
import { repoKey, scopeKey } from '../../state/store.js';
import type { JobAction, SimStore } from '../../state/store.js';
import type { SimScaleSet } from '../../state/scale-set-types.js';
import type { SimJob } from '../../state/types.js';
import { buildJobMessage } from './job-messages.js';
import type { ScaleSetQueues } from './queue.js';

/** Whether a scale set may run a job: its scope holds the job's repository and it has all the job's labels. */
export function scaleSetMatchesJob(store: SimStore, scaleSet: SimScaleSet, job: SimJob): boolean {
  const repo = store.repoById(job.repoId);
  if (!repo) return false;
  const { scope } = scaleSet;
  const inScope =
    scope.kind === 'repo'
      ? scopeKey(scope) === `repo:${repoKey(repo.owner, repo.name)}`
      : scope.org.toLowerCase() === repo.owner.toLowerCase();
  if (!inScope) return false;
  const have = new Set([scaleSet.name, ...scaleSet.labels.map((l) => l.name)].map((l) => l.toLowerCase()));
  return job.labels.every((l) => have.has(l.toLowerCase()));
}

/** The scale set a job goes to: repository-level sets before organization-level ones, oldest first. */
export function pickScaleSet(store: SimStore, job: SimJob): SimScaleSet | undefined {
  return [...store.scaleSets.values()]
    .filter((s) => scaleSetMatchesJob(store, s, job))
    .sort((a, b) => Number(a.scope.kind === 'org') - Number(b.scope.kind === 'org') || a.id - b.id)[0];
}

/**
 * Turns job lifecycle events into scale-set assignments and job messages, and cancels and reassigns jobs
 * that no runner of their set took in time.
 */
export class ScaleSetAssigner {
  constructor(
    private readonly store: SimStore,
    private readonly queues: ScaleSetQueues,
  ) {}

  /** Reacts to a job event: assigns a newly queued job, reports a start or an end to its scale set. */
  onJobEvent(action: JobAction, job: SimJob): void {
    if (action === 'queued') {
      if (!job.scaleSet) this.assign(job, 1);
      return;
    }
    const request = job.scaleSet;
    const scaleSet = request ? this.store.scaleSets.get(request.scaleSetId) : undefined;
    if (!request || !scaleSet) return;
    if (action === 'in_progress') {
      request.state = 'started';
      this.queues.enqueue(scaleSet, buildJobMessage(this.store, scaleSet, job, 'JobStarted'));
    } else if (action === 'completed') {
      this.queues.enqueue(scaleSet, buildJobMessage(this.store, scaleSet, job, 'JobCompleted'));
    }
  }

  /** Assigns a queued job to a matching scale set (or leaves it to ordinary runners); true when assigned. */
  assign(job: SimJob, attempt: number): boolean {
    const scaleSet = pickScaleSet(this.store, job);
    if (!scaleSet) {
      job.scaleSet = null;
      return false;
    }
    const offer = this.store.actions.mode === 'ghes';
    job.scaleSet = {
      scaleSetId: scaleSet.id,
      runnerRequestId: this.store.ids.take('runnerRequest'),
      state: offer ? 'available' : 'assigned',
      assignedAt: Date.now(),
      attempt,
    };
    const type = offer ? 'JobAvailable' : 'JobAssigned';
    this.queues.enqueue(scaleSet, buildJobMessage(this.store, scaleSet, job, type));
    this.store.changed();
    return true;
  }

  /** Assigns every queued job no scale set holds yet (after a scale set was created or changed). */
  assignWaiting(): void {
    for (const job of [...this.store.jobs.values()].sort((a, b) => a.id - b.id)) {
      if (job.status === 'queued' && !job.scaleSet) this.assign(job, 1);
    }
  }

  /** Takes a deleted scale set's queued jobs back and assigns them elsewhere (or to ordinary runners). */
  releaseJobsOf(scaleSetId: number): void {
    for (const job of this.store.jobs.values()) {
      if (job.status === 'queued' && job.scaleSet?.scaleSetId === scaleSetId) this.assign(job, 1);
    }
  }

  /**
   * Jobs assigned (or offered) longer than `assignTimeoutMs` without a runner: reported `JobCompleted`
   * (`canceled`) and assigned again with a new `runnerRequestId`, `maxReassignments` times; then cancelled.
   */
  sweep(now = Date.now()): void {
    const { assignTimeoutMs, maxReassignments } = this.store.actions;
    for (const job of [...this.store.jobs.values()]) {
      const request = job.scaleSet;
      if (job.status !== 'queued' || !request || request.state === 'started') continue;
      if (now - request.assignedAt < assignTimeoutMs) continue;
      if (request.attempt > maxReassignments) {
        // The job's own `completed` event reports the last request as canceled.
        completeJob(this.store, job, 'cancelled');
        continue;
      }
      const scaleSet = this.store.scaleSets.get(request.scaleSetId);
      const finishTime = new Date(now).toISOString();
      if (scaleSet) {
        const message = buildJobMessage(this.store, scaleSet, job, 'JobCompleted', {
          result: 'canceled',
          finishTime,
        });
        this.queues.enqueue(scaleSet, message);
      }
      this.assign(job, request.attempt + 1);
    }
  }
}
