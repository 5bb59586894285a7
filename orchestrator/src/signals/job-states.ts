import type { WorkflowJobEvent } from '@gha-ephemeral/contract';
import { BoundedMap } from '@gha-ephemeral/primitives';

/** A job's state as `workflow_job` deliveries report it (their `action`). */
export type JobState = WorkflowJobEvent['action'];

/** The only order GitHub moves a job through: a re-run is a new job, with a new id. */
const ORDER: Readonly<Record<JobState, number>> = { waiting: 0, queued: 1, in_progress: 2, completed: 3 };

/** How many jobs are remembered: far more than are queued or running at once. */
export const REMEMBERED_JOBS = 10_000;

/**
 * The furthest state each job was reported in. A job only moves forward, so a delivery that would move it back is
 * stale: one overtaken by a later delivery, or a replay of a captured signed body under a fresh
 * `X-GitHub-Delivery` (the signature does not cover that header). Bounded: past `limit` jobs, the one reported
 * least recently is forgotten. A cache, never the record: forgetting a job only lets one stale delivery for it
 * through, and the next poll corrects what that delivery got wrong.
 */
export class JobStates {
  readonly #furthest: BoundedMap<number, JobState>;

  constructor(limit: number = REMEMBERED_JOBS) {
    this.#furthest = new BoundedMap(limit);
  }

  /**
   * Records that the job was reported in `state`. False, and nothing recorded, when the job was already reported
   * further along; the same state again is not a step back (a retry, or GitHub saying it twice).
   */
  advance(jobId: number, state: JobState): boolean {
    const furthest = this.#furthest.get(jobId);
    if (furthest !== undefined && ORDER[state] < ORDER[furthest]) return false;
    // Set again, the job moves to the newest place: the one dropped first is the one reported least recently.
    this.#furthest.set(jobId, state);
    return true;
  }

  /** The furthest state the job was reported in, if it is remembered. */
  furthest(jobId: number): JobState | undefined {
    return this.#furthest.get(jobId);
  }
}
