import { addOne, CREATION_MEMORY_MS } from './runner-gate.js';
import type { ObservedRunner } from '../signals/demand.js';
import { planKey } from './pool-fit.js';
import type { JobReports } from './reconciler.js';

/** How long a runner that took a job is counted against the queued ones while its report has not arrived. */
export const UNREPORTED_GRACE_MS = CREATION_MEMORY_MS;

/**
 * The listed runners as the planner sees them. While webhooks report jobs, a busy runner is matched with the job
 * it was reported to run, or counted (in `takenUnreported`, by scope) as having taken one whose report is on its
 * way: GitHub hands a queued job to any idle runner that fits, so the job a runner was started for says nothing of
 * the one it runs. Without reports (polls alone, whose demand is fresh at each pass), a busy runner is taken to
 * run the job it was started for.
 */
export class RunnerObservation {
  /** Since when each listed runner has looked busy (or exited) with no webhook report of its job. */
  #unreportedSince = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  observe(
    runners: readonly ObservedRunner[],
    reports: JobReports | null,
    takenUnreported: Map<string, number>,
    reusedListing: boolean,
  ): ObservedRunner[] {
    const now = this.#now();
    const unreportedSince = new Map<string, number>();
    const listed = runners.map((seen): ObservedRunner => {
      const runner = seen;
      if (reports === null) return seen;
      const running = reports.jobRunningOn(runner.id);
      // Reported to have taken a job: it will never be free again (one job per runner), whatever the listing
      // says a moment after (GitHub's busy flag can lag behind the webhook).
      if (running !== undefined)
        return seen.state === 'exited' ? seen : { ...seen, state: 'busy', jobId: running };
      if (seen.state !== 'busy' && seen.state !== 'exited') return seen;
      // Busy, or exited (it ran its job too, as far as anyone knows), with no report yet: it took one of the
      // queued jobs, for as long as a report could still be on its way. One never reported (a delivery lost,
      // or taken before this process started) stops hiding a job after that.
      const since = this.#unreportedSince.get(runner.id) ?? now;
      unreportedSince.set(runner.id, since);
      if (now - since < UNREPORTED_GRACE_MS) addOne(takenUnreported, planKey(seen.pool, seen.scopeKey));
      return seen.state === 'busy' ? { ...seen, jobId: null } : seen;
    });
    // Only listed runners are kept: the map never outgrows the fleet.
    if (!reusedListing) this.#unreportedSince = unreportedSince;
    else for (const [name, since] of unreportedSince) this.#unreportedSince.set(name, since);
    return listed;
  }
}
