import type { GitHubScope } from '@gha-ephemeral/github';
import { scopeKey, type QueuedJob, type ScopeDemand } from './demand.js';
import { BoundedMap } from '@gha-ephemeral/primitives';

/** How many runners' running jobs are remembered (far more than run at once). */
const REMEMBERED_RUNNERS = 10_000;
/** How long after the last webhook report the book counts on the next ones. */
const REPORTS_ACTIVE_MS = 10 * 60_000;

interface Entry {
  scope: GitHubScope;
  job: QueuedJob;
  /** Epoch ms when a webhook reported it; a poll older than this does not drop it. */
  seenAt: number;
}

/**
 * The queued jobs we know of, from both signals: the poller (complete, but up to a check interval old) and
 * webhooks (instant, but a delivery can be missed). A poll replaces what it saw, except jobs a webhook reported
 * after the poll began. This is a cache of GitHub's state, rebuilt by every poll; losing it loses nothing.
 */
export class DemandBook {
  readonly #entries = new Map<number, Entry>();
  /** The job each runner was reported (by `in_progress` or `completed`) to have taken, oldest first; bounded. */
  readonly #running = new BoundedMap<string, number>(REMEMBERED_RUNNERS);
  /** Runners whose job completed, for the control side to remove if their container stayed (see `finished`). */
  readonly #finished = new BoundedMap<string, true>(REMEMBERED_RUNNERS);
  #lastReportAt: number | null = null;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Records a job a webhook reported as queued. */
  add(scope: GitHubScope, job: QueuedJob): void {
    this.#lastReportAt = this.#now();
    this.#entries.set(job.id, { scope, job, seenAt: this.#lastReportAt });
  }

  /** Forgets a job that started or ended. */
  remove(jobId: number): void {
    this.#entries.delete(jobId);
  }

  /**
   * Records that `runnerName` took the job (its `in_progress` or `completed`), which is no longer queued. GitHub
   * hands a queued job to any idle runner that fits, so a runner started for one job may run another: the
   * planner must know.
   */
  started(jobId: number, runnerName: string): void {
    this.#lastReportAt = this.#now();
    this.#entries.delete(jobId);
    this.#running.set(runnerName, jobId);
  }

  /** Notes that the runner's job completed: it should be gone (one job per runner). */
  finished(jobId: number, runnerName: string): void {
    this.started(jobId, runnerName);
    this.#finished.set(runnerName, true);
  }

  /** The runners reported finished and not yet looked at. */
  finishedRunners(): string[] {
    return [...this.#finished.keys()];
  }

  forgetFinished(runnerName: string): void {
    this.#finished.delete(runnerName);
  }

  /** The job `runnerName` was reported to be running, if any. */
  jobRunningOn(runnerName: string): number | undefined {
    return this.#running.get(runnerName);
  }

  /**
   * True while webhooks report jobs (one came within {@link REPORTS_ACTIVE_MS}): a runner that took a job then
   * has its `in_progress` on the way, and until it arrives the job still looks queued here.
   */
  reportsActive(): boolean {
    return this.#lastReportAt !== null && this.#now() - this.#lastReportAt < REPORTS_ACTIVE_MS;
  }

  /** Replaces the book with a poll's result (the poll began at `startedAt`). */
  replace(demand: readonly ScopeDemand[], startedAt: number): void {
    for (const [id, entry] of this.#entries) {
      if (entry.seenAt < startedAt) this.#entries.delete(id);
    }
    const taken = new Set(this.#running.values());
    for (const { scope, jobs } of demand) {
      // A job reported taken while the poll ran is not queued any more, whatever the poll saw before.
      for (const job of jobs)
        if (!taken.has(job.id)) this.#entries.set(job.id, { scope, job, seenAt: startedAt });
    }
  }

  /** The known queued jobs, grouped by scope. */
  demand(): ScopeDemand[] {
    const byScope = new Map<string, { scope: GitHubScope; jobs: QueuedJob[] }>();
    for (const { scope, job } of this.#entries.values()) {
      const key = scopeKey(scope);
      const entry = byScope.get(key) ?? { scope, jobs: [] };
      entry.jobs.push(job);
      byScope.set(key, entry);
    }
    return [...byScope.values()];
  }
}
