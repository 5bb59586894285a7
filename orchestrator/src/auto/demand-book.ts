import type { GitHubScope } from '@gha-ephemeral/github';
import { scopeKey, type QueuedJob, type ScopeDemand } from './demand.js';

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
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Records a job a webhook reported as queued. */
  add(scope: GitHubScope, job: QueuedJob): void {
    this.#entries.set(job.id, { scope, job, seenAt: this.#now() });
  }

  /** Forgets a job that started or ended. */
  remove(jobId: number): void {
    this.#entries.delete(jobId);
  }

  /** Replaces the book with a poll's result (the poll began at `startedAt`). */
  replace(demand: readonly ScopeDemand[], startedAt: number): void {
    for (const [id, entry] of this.#entries) {
      if (entry.seenAt < startedAt) this.#entries.delete(id);
    }
    for (const { scope, jobs } of demand) {
      for (const job of jobs) this.#entries.set(job.id, { scope, job, seenAt: startedAt });
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
