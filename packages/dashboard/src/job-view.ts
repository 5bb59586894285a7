import { durationBetween } from './format';
import type { RecentJob } from './types';

/** A job still waiting for a runner to take it. */
export function isWaiting(job: RecentJob): boolean {
  return job.phase === 'queued';
}

/** "CI / build", "build", "CI", or "Job 123" when GitHub named neither. */
export function jobTitle(job: RecentJob): string {
  const parts = [job.workflow, job.name].filter((part): part is string => part !== null && part !== '');
  return parts.length === 0 ? `Job ${job.id}` : parts.join(' / ');
}

/** How long each step of a job took, each from the step before it that happened; null: not (yet) happened. */
export interface JobSteps {
  /** Queued → a runner for it started (its container created). */
  toRunner: number | null;
  /** → taken by a runner (from the runner's start, or from queued when no runner was started for it). */
  toTaken: number | null;
  /** → completed (from taken: how long it ran). */
  toCompleted: number | null;
}

/** The durations of a job's steps. */
export function jobSteps(job: RecentJob): JobSteps {
  const takenFrom = job.runnerStartedAt ?? job.queuedAt;
  return {
    toRunner: durationBetween(job.queuedAt, job.runnerStartedAt),
    toTaken: durationBetween(takenFrom, job.takenAt),
    toCompleted: durationBetween(job.takenAt ?? takenFrom, job.completedAt),
  };
}

/** The jobs by id, to join runners with the job they were started for. */
export function indexJobs(jobs: readonly RecentJob[]): Map<number, RecentJob> {
  return new Map(jobs.map((job) => [job.id, job]));
}
