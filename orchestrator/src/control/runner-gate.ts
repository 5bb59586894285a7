import { AppError } from '@gha-ephemeral/contract';
import type { GitHubScope } from '@gha-ephemeral/github';
import { planKey } from './pool-fit.js';
import type { ObservedRunner } from '../signals/demand.js';
import { scopeKey } from '../signals/demand.js';
import type { JobReports } from './reconciler.js';

/** A runner on its way: planned by a pass or asked for through the API, and perhaps not listed by Docker yet. */
interface InFlight {
  scope: GitHubScope;
  scopeKey: string;
  pool: string;
  /** The job it is for; null for a warm runner or one asked for through the API. */
  jobId: number | null;
  /** When the creation ended (null while it runs). */
  doneAtMs: number | null;
  /** The runner it started; null while it runs, or when it failed. */
  runnerName: string | null;
}

/** A runner to start: where, in which pool, and for which job. */
export interface RunnerRequest {
  scope: GitHubScope;
  pool: string;
  jobId: number | null;
}

/** A live runner container as Docker lists it. */
export interface LiveRunner {
  name: string;
  pool: string;
}

/** `MAX_RUNNERS` over all pools and each pool's `max`. */
export interface GateLimits {
  maxRunners: number;
  poolMax: ReadonlyMap<string, number>;
}

/**
 * How long a finished creation is remembered: far longer than any listing takes, and than a job's `in_progress`
 * takes to arrive after its runner took it.
 */
export const CREATION_MEMORY_MS = 60_000;

/** How long a count of Docker's containers is trusted (with the runners started since) before it is redone. */
const LISTING_MAX_AGE_MS = 10_000;

export function addOne(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/**
 * The one capacity gate and the one book of runners in flight. Every runner is started through it: those a pass
 * plans ({@link RunnerGate.begin}, checked by the planner against this book) and those asked for through the API
 * ({@link RunnerGate.admit}, checked here). Passes read the book to count runners Docker does not list yet
 * ({@link RunnerGate.recent}); entries end {@link CREATION_MEMORY_MS} after their creation, so it stays small.
 */
export class RunnerGate {
  readonly #book = new Map<string, InFlight>();
  readonly #limits: GateLimits;
  readonly #now: () => number;
  #sequence = 0;
  /** The last count of live containers an admission made, and when it began. */
  #listing: { atMs: number; runners: readonly LiveRunner[] } | null = null;
  /** Admissions one at a time: two requests must never both take the last slot. */
  #queue: Promise<void> = Promise.resolve();

  constructor(limits: GateLimits, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Entries in the book: those in flight and those ended within {@link CREATION_MEMORY_MS}. */
  get size(): number {
    return this.#book.size;
  }

  /** `MAX_RUNNERS` and each pool's `max`, as the planner must respect them. */
  get limits(): GateLimits {
    return this.#limits;
  }

  #enter(request: RunnerRequest, kind: string): string {
    this.#forgetOld();
    const key = request.jobId === null ? `${kind}:${(this.#sequence += 1)}` : `job:${request.jobId}`;
    this.#book.set(key, {
      scope: request.scope,
      scopeKey: scopeKey(request.scope),
      pool: request.pool,
      jobId: request.jobId,
      doneAtMs: null,
      runnerName: null,
    });
    return key;
  }

  /**
   * Notes the creations a pass planned as under way, before anything is awaited, so a pass planning next counts
   * them. The planner placed them within the limits counting this book; returns the key of each for `end`.
   */
  begin(requests: readonly RunnerRequest[]): string[] {
    return requests.map((request) => this.#enter(request, 'warm'));
  }

  /**
   * Admits `count` runners asked for outside a pass (the API), counting Docker's live containers (`live()`, a
   * count a few seconds old is reused and redone before refusing) and this book; or throws
   * `runner.capacity_reached`. Returns the key of each for `end`.
   */
  async admit(
    request: RunnerRequest,
    count: number,
    live: () => Promise<readonly LiveRunner[]>,
  ): Promise<string[]> {
    const previous = this.#queue;
    let unlock = () => {};
    this.#queue = new Promise((resolve) => (unlock = resolve));
    await previous;
    try {
      const fresh = this.#listing !== null && this.#now() - this.#listing.atMs < LISTING_MAX_AGE_MS;
      if (!fresh || this.#refusal(request.pool, count) !== null) await this.#list(live);
      const refusal = this.#refusal(request.pool, count);
      if (refusal !== null) throw refusal;
      return Array.from({ length: count }, () => this.#enter(request, 'api'));
    } finally {
      unlock();
    }
  }

  async #list(live: () => Promise<readonly LiveRunner[]>): Promise<void> {
    const atMs = this.#now();
    this.#listing = { atMs, runners: await live() };
  }

  /** The error that refuses `count` more runners of `pool`, or null when they fit. */
  #refusal(pool: string, count: number): AppError | null {
    const names = new Map((this.#listing?.runners ?? []).map((runner) => [runner.name, runner.pool]));
    let inFlight = 0;
    let inFlightOfPool = 0;
    const since = this.#listing?.atMs ?? Number.NEGATIVE_INFINITY;
    for (const entry of this.#book.values()) {
      if (entry.doneAtMs === null) {
        inFlight += 1;
        if (entry.pool === pool) inFlightOfPool += 1;
      } else if (entry.runnerName !== null && entry.doneAtMs >= since) {
        // Created while or since the listing ran: it may be in it or not, and counts once either way.
        names.set(entry.runnerName, entry.pool);
      }
    }
    const existing = names.size + inFlight;
    const ofPool = [...names.values()].filter((name) => name === pool).length + inFlightOfPool;
    const { maxRunners } = this.#limits;
    if (count > maxRunners - existing) {
      return new AppError(
        'runner.capacity_reached',
        `MAX_RUNNERS is ${maxRunners} and ${existing} runner(s) exist or are starting, so ${count} more cannot start; wait for runners to finish, delete some, or raise MAX_RUNNERS`,
        { details: { maxRunners, existing, requested: count } },
      );
    }
    const poolMax = this.#limits.poolMax.get(pool) ?? maxRunners;
    if (count > poolMax - ofPool) {
      return new AppError(
        'runner.capacity_reached',
        `Pool "${pool}" has max ${poolMax} and ${ofPool} runner(s) exist or are starting, so ${count} more cannot start; wait for runners to finish, delete some, or raise the pool's max`,
        { details: { pool, max: poolMax, existing: ofPool, requested: count } },
      );
    }
    return null;
  }

  /** Forgets creations that ended long ago: without passes (manual mode) the book still stays small. */
  #forgetOld(): void {
    const now = this.#now();
    for (const [key, entry] of this.#book) {
      if (entry.doneAtMs !== null && now - entry.doneAtMs > CREATION_MEMORY_MS) this.#book.delete(key);
    }
  }

  /**
   * Forgets a runner removed on purpose (on request, or as stuck or idle): gone without ending a job, it must not
   * count as one that took a job not reported yet, which would leave a queued job waiting for a minute.
   */
  forgetRunner(runnerName: string): void {
    for (const [key, entry] of this.#book) if (entry.runnerName === runnerName) this.#book.delete(key);
  }

  /** Notes a creation's end: the runner started (its name), or not (null). A second call is ignored. */
  end(key: string, runnerName: string | null): void {
    const entry = this.#book.get(key);
    if (entry === undefined || entry.doneAtMs !== null) return;
    entry.doneAtMs = this.#now();
    entry.runnerName = runnerName;
  }

  /**
   * What the book adds to a listing taken from `listedAtMs`: the runners still being started (or started since,
   * so perhaps not in it), counted as starting runners; and, while webhooks report jobs, by plan key, how many of
   * those already gone took a job not reported yet (each such runner ran one job, whose `in_progress` is on its
   * way while the job still looks queued).
   */
  recent(
    listedAtMs: number,
    listed: readonly Pick<ObservedRunner, 'id' | 'jobId'>[],
    reports: JobReports | null,
  ): { starting: ObservedRunner[]; goneUnreported: Map<string, number> } {
    const now = this.#now();
    // Whose runner is listed: by the job each was started for (a busy one may run another), and by name.
    const listedJobs = new Set(listed.map((runner) => runner.jobId));
    const listedNames = new Set(listed.map((runner) => runner.id));
    const starting: ObservedRunner[] = [];
    const goneUnreported = new Map<string, number>();
    this.#forgetOld();
    for (const [key, entry] of this.#book) {
      const { jobId, runnerName, doneAtMs } = entry;
      const isListed =
        (jobId !== null && listedJobs.has(jobId)) || (runnerName !== null && listedNames.has(runnerName));
      if (isListed || (doneAtMs !== null && runnerName === null)) {
        continue; // listed as it is, or failed: nothing to add
      } else if (runnerName !== null && reports?.jobRunningOn(runnerName) !== undefined) {
        continue; // reported to have taken a job, which has left the queued ones: not available
      } else if (doneAtMs === null || doneAtMs >= listedAtMs) {
        starting.push({
          id: `starting-${key}`,
          scope: entry.scope,
          scopeKey: entry.scopeKey,
          labels: [],
          state: 'starting',
          // Never timed out by this pass: the creation itself is bounded (a pull, a start), and listed after.
          createdAtMs: now,
          jobId,
          pool: entry.pool,
          verified: true,
        });
      } else if (reports !== null) {
        addOne(goneUnreported, planKey(entry.pool, entry.scopeKey));
      }
    }
    return { starting, goneUnreported };
  }
}
