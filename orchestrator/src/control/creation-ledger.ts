import type { Runner } from '@gha-ephemeral/contract';
import { planKey, type PlanAction } from './plan.js';
import type { ObservedRunner } from '../signals/demand.js';
import { scopeKey } from '../signals/demand.js';
import type { JobReports } from './reconciler.js';

type CreateAction = Extract<PlanAction, { kind: 'create' }>;

/** A runner this process is starting, or started a moment ago: the planner must count it before Docker lists it. */
interface Creation {
  scopeKey: string;
  pool: string;
  /** The job it is for; null for a warm runner. */
  jobId: number | null;
  /** When the creation ended (null while it runs). */
  doneAtMs: number | null;
  /** The runner it started; null while it runs, or when it failed. */
  runnerName: string | null;
}

/**
 * How long a finished creation is remembered: far longer than any listing takes, and than a job's `in_progress`
 * takes to arrive after its runner took it.
 */
export const CREATION_MEMORY_MS = 60_000;

export function addOne(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/**
 * The runners this process is starting, or started within {@link CREATION_MEMORY_MS}, by job id: what a pass must
 * add to a listing that may not show them yet. Entries end after that time, so the ledger stays small.
 */
export class CreationLedger {
  readonly #creations = new Map<string, Creation>();
  readonly #now: () => number;
  #warmSequence = 0;

  constructor(now: () => number) {
    this.#now = now;
  }

  /**
   * Notes creations as under way, before anything is awaited: a pass planning next counts them. Returns the key
   * of each, for {@link CreationLedger.end}.
   */
  begin(creations: readonly CreateAction[]): string[] {
    return creations.map((action) => {
      const key = action.jobId === null ? `warm:${(this.#warmSequence += 1)}` : `job:${action.jobId}`;
      this.#creations.set(key, {
        scopeKey: scopeKey(action.scope),
        pool: action.pool,
        jobId: action.jobId,
        doneAtMs: null,
        runnerName: null,
      });
      return key;
    });
  }

  /** Notes a creation's end: the runner started (its name), or not (null). */
  end(key: string, runnerName: string | null): void {
    const creation = this.#creations.get(key);
    if (creation === undefined || creation.doneAtMs !== null) return;
    creation.doneAtMs = this.#now();
    creation.runnerName = runnerName;
  }

  /**
   * What recent creations add to a listing taken from `listedAtMs`: the runners still being started (or started
   * since, so perhaps not in it), counted as starting runners; and, while webhooks report jobs, by plan key, how
   * many of those already gone took a job not reported yet (each such runner ran one job, whose `in_progress` is
   * on its way while the job still looks queued).
   */
  recent(
    listedAtMs: number,
    listed: readonly Runner[],
    reports: JobReports | null,
  ): { starting: ObservedRunner[]; goneUnreported: Map<string, number> } {
    const now = this.#now();
    // Whose runner is listed: by the job each was started for (a busy one may run another), and by name.
    const listedJobs = new Set(listed.map((runner) => runner.jobId));
    const listedNames = new Set(listed.map((runner) => runner.id));
    const starting: ObservedRunner[] = [];
    const goneUnreported = new Map<string, number>();
    for (const [key, creation] of this.#creations) {
      const { jobId, runnerName, doneAtMs } = creation;
      const isListed =
        (jobId !== null && listedJobs.has(jobId)) || (runnerName !== null && listedNames.has(runnerName));
      if (doneAtMs !== null && now - doneAtMs > CREATION_MEMORY_MS) {
        this.#creations.delete(key);
      } else if (isListed || (doneAtMs !== null && runnerName === null)) {
        continue; // listed as it is, or failed: nothing to add
      } else if (runnerName !== null && reports?.jobRunningOn(runnerName) !== undefined) {
        continue; // reported to have taken a job, which has left the queued ones: not available
      } else if (doneAtMs === null || doneAtMs >= listedAtMs) {
        starting.push({
          id: `starting-${key}`,
          scopeKey: creation.scopeKey,
          labels: [],
          state: 'starting',
          // Never timed out by this pass: the creation itself is bounded (a pull, a start), and listed after.
          createdAtMs: now,
          jobId,
          pool: creation.pool,
        });
      } else if (reports !== null) {
        addOne(goneUnreported, planKey(creation.pool, creation.scopeKey));
      }
    }
    return { starting, goneUnreported };
  }
}
