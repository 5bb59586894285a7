import type { ScaleSetStatistics } from '@gha-ephemeral/github';
import { BoundedMap } from '@gha-ephemeral/primitives';

/** Where a scale set's listener is: what `/health` and the metrics show. */
export type ListenerState = 'starting' | 'listening' | 'conflict' | 'failing' | 'stopped';

/** A scale-set pool as its demand needs it. */
export interface ScaleSetPool {
  /** The pool's name. */
  pool: string;
  /** The scale set's name (the label workflows target). */
  name: string;
  max: number;
  minIdle: number;
}

/** One scale set as `/health` shows it. */
export interface ScaleSetStatus {
  pool: string;
  name: string;
  /** GitHub's id of the scale set, once found or created. */
  id: number | null;
  state: ListenerState;
  /** Why it is in that state (conflict, failure), in words; never a secret. */
  detail: string | null;
  /** ISO 8601. */
  since: string;
  /** ISO 8601 of the last message, or null. */
  lastMessageAt: string | null;
  /** What GitHub last said, or null before the session. */
  statistics: ScaleSetStatistics | null;
  /** `min(max, minIdle + totalAssignedJobs)`; null until GitHub has said. */
  desired: number | null;
}

/** What the planner takes of a scale set. */
export interface ScaleSetPlan {
  /** Runners the pool should have, busy ones included. */
  desired: number;
  /** Runners GitHub said took a job (`JobStarted`): never removed. */
  busy: ReadonlySet<string>;
  /** Runners whose job completed (`JobCompleted`): on their way out, not counted. */
  done: ReadonlySet<string>;
}

/** Runner names remembered per scale set: far more than run at once. */
const REMEMBERED = 10_000;

interface Entry {
  spec: ScaleSetPool;
  id: number | null;
  state: ListenerState;
  detail: string | null;
  sinceMs: number;
  lastMessageMs: number | null;
  statistics: ScaleSetStatistics | null;
  busy: BoundedMap<string, true>;
  done: BoundedMap<string, true>;
}

/**
 * What the scale-set listeners learnt from GitHub, per pool: the desired runner count from the statistics (never
 * by counting job messages), which runners are busy or done, and each listener's state. Signals write it; the
 * reconciler reads it. A cache of GitHub's word: a restart loses nothing the next session does not send again.
 */
export class ScaleSetDemand {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(pools: readonly ScaleSetPool[], now: () => number = Date.now) {
    this.#now = now;
    for (const spec of pools) {
      this.#entries.set(spec.pool, {
        spec,
        id: null,
        state: 'starting',
        detail: null,
        sinceMs: now(),
        lastMessageMs: null,
        statistics: null,
        busy: new BoundedMap(REMEMBERED),
        done: new BoundedMap(REMEMBERED),
      });
    }
  }

  #entry(pool: string): Entry {
    const entry = this.#entries.get(pool);
    if (entry === undefined) throw new Error(`no scale-set pool "${pool}"`);
    return entry;
  }

  /** The pools that are scale sets. */
  pools(): ScaleSetPool[] {
    return [...this.#entries.values()].map((entry) => entry.spec);
  }

  /**
   * Notes the listener's state; the time it entered it is kept while it stays. Without the session (another
   * listener holds it, or this one stopped) GitHub's last word goes stale: it is dropped, so nothing is started on it.
   */
  setState(pool: string, state: ListenerState, detail: string | null = null): void {
    const entry = this.#entry(pool);
    if (entry.state !== state) entry.sinceMs = this.#now();
    entry.state = state;
    entry.detail = detail;
    if (state === 'conflict' || state === 'stopped') entry.statistics = null;
  }

  /** The listener's state. */
  state(pool: string): ListenerState {
    return this.#entry(pool).state;
  }

  /** Notes GitHub's id of the pool's scale set. */
  setScaleSetId(pool: string, id: number): void {
    this.#entry(pool).id = id;
  }

  /** GitHub's id of the pool's scale set, or null until its listener has found or created it. */
  scaleSetId(pool: string): number | null {
    return this.#entries.get(pool)?.id ?? null;
  }

  /** Records statistics (from the session, or a message). `message` also stamps the last message time. */
  record(pool: string, statistics: ScaleSetStatistics | null, message: boolean): void {
    const entry = this.#entry(pool);
    if (statistics !== null) entry.statistics = statistics;
    if (message) entry.lastMessageMs = this.#now();
  }

  /** `JobStarted`: the runner runs a job. */
  jobStarted(pool: string, runnerName: string): void {
    this.#entry(pool).busy.set(runnerName, true);
  }

  /** `JobCompleted`: the runner's job ended (it leaves, one job per runner). */
  jobCompleted(pool: string, runnerName: string): void {
    const entry = this.#entry(pool);
    entry.busy.delete(runnerName);
    entry.done.set(runnerName, true);
  }

  /** Forgets a runner that is gone. */
  forget(runnerName: string): void {
    for (const entry of this.#entries.values()) {
      entry.busy.delete(runnerName);
      entry.done.delete(runnerName);
    }
  }

  /** Per pool whose statistics GitHub has sent: what the planner must reach. */
  plans(): Map<string, ScaleSetPlan> {
    const plans = new Map<string, ScaleSetPlan>();
    for (const [pool, entry] of this.#entries) {
      const desired = desiredOf(entry);
      if (desired === null) continue;
      plans.set(pool, { desired, busy: new Set(entry.busy.keys()), done: new Set(entry.done.keys()) });
    }
    return plans;
  }

  /** Every scale set's listener, for `/health` and the metrics. */
  statuses(): ScaleSetStatus[] {
    return [...this.#entries.values()].map((entry) => ({
      pool: entry.spec.pool,
      name: entry.spec.name,
      id: entry.id,
      state: entry.state,
      detail: entry.detail,
      since: new Date(entry.sinceMs).toISOString(),
      lastMessageAt: entry.lastMessageMs === null ? null : new Date(entry.lastMessageMs).toISOString(),
      statistics: entry.statistics,
      desired: desiredOf(entry),
    }));
  }
}

/** ARC's rule: `min(max, minIdle + totalAssignedJobs)`, from GitHub's statistics only. */
function desiredOf(entry: Entry): number | null {
  if (entry.statistics === null) return null;
  return Math.min(entry.spec.max, entry.spec.minIdle + entry.statistics.totalAssignedJobs);
}
