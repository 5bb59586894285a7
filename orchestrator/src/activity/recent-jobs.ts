import { RECENT_JOBS_CAPACITY, webUrl, type RecentJob } from '@gha-ephemeral/contract';
import { BoundedMap } from '@gha-ephemeral/primitives';
import { JobLatencySamples } from './job-latency.js';

/** A queued job as a signal saw it (a poll, a webhook, a scale-set message). */
export interface JobSighting {
  id: number;
  runId?: number | null;
  repository: string;
  labels: readonly string[];
  /** When GitHub queued it (ISO 8601). */
  createdAt: string;
  workflow?: string | null;
  name?: string | null;
  url?: string | null;
}

/** A runner as a look at the fleet saw it: enough to tell a job taken, or ended with its runner. */
export interface RunnerSighting {
  id: string;
  state: 'starting' | 'idle' | 'busy' | 'offline' | 'exited';
  /** The job it was started for. */
  jobId: number | null;
}

/** A job as a poll lists it: its status, and who took it, when, and how it ended, once it has. */
export interface PolledJob {
  id: number;
  status: string;
  runnerName?: string | null;
  conclusion?: string | null;
  startedAt?: string | null;
  completedAt?: string | null;
}

/** What holds up every queued job at once, read when a job is shown. */
export interface FleetConditions {
  engineReachable(): boolean;
  /** Epoch ms until which GitHub refuses us, or null. */
  githubBlockedUntil(): number | null;
}

/** One job's record: the view, plus what the planner last said of it. */
interface Entry {
  job: RecentJob;
  planReason: string | null;
  /** Seen in the control loop's demand (polls, webhooks), so its leaving the demand means it left the queue. */
  inDemand: boolean;
  /** No pool fits it: not ours to serve, so its times say nothing of our latency. */
  unserved: boolean;
}

/** Jobs dropped from the ring that are not brought back by a later sighting (a queue longer than the ring). */
const FORGOTTEN_LIMIT = 10_000;

const iso = (ms: number) => new Date(ms).toISOString();
const hhmm = (ms: number) => iso(ms).slice(11, 16);

/**
 * The last few hundred jobs the orchestrator has seen, in a ring (the oldest is dropped first), with when each
 * step happened and why a queued job waits. Signals and the control loop write to it; the dashboard reads it.
 */
export class RecentJobs {
  readonly #jobs: BoundedMap<number, Entry>;
  readonly #forgotten = new BoundedMap<number, true>(FORGOTTEN_LIMIT);
  readonly #now: () => number;
  readonly latency: JobLatencySamples;
  #conditions: FleetConditions | null = null;
  #onChange: ((job: RecentJob) => void) | null = null;

  constructor(options: { capacity?: number; now?: () => number } = {}) {
    this.#jobs = new BoundedMap(options.capacity ?? RECENT_JOBS_CAPACITY);
    this.#now = options.now ?? Date.now;
    this.latency = new JobLatencySamples(this.#now);
  }

  get capacity(): number {
    return this.#jobs.limit;
  }

  /** Who is told of each change (the dashboard's stream), and what holds up every job (its health). */
  watch(onChange: (job: RecentJob) => void, conditions: FleetConditions): void {
    this.#onChange = onChange;
    this.#conditions = conditions;
  }

  /** A job seen queued; details a later sighting adds (a webhook's names) fill what was missing. */
  queued(sighting: JobSighting): void {
    const entry = this.#jobs.get(sighting.id);
    if (entry === undefined) {
      // Once dropped, a job stays out: more queued jobs than the ring holds must not churn it on every pass.
      if (this.#forgotten.has(sighting.id)) return;
      if (this.#jobs.size >= this.#jobs.limit) {
        const [oldest] = this.#jobs.keys();
        if (oldest !== undefined) this.#forgotten.set(oldest, true);
      }
      const job = newJob(sighting, this.#now());
      this.#jobs.set(sighting.id, { job, planReason: null, inDemand: false, unserved: false });
      return this.#changed(sighting.id);
    }
    const { job } = entry;
    const filled = {
      runId: job.runId ?? sighting.runId ?? null,
      workflow: job.workflow ?? sighting.workflow ?? null,
      name: job.name ?? sighting.name ?? null,
      url: job.url ?? webUrl(sighting.url),
    };
    if (Object.entries(filled).some(([key, value]) => job[key as keyof typeof filled] !== value)) {
      Object.assign(job, filled);
      this.#changed(sighting.id);
    }
  }

  /** Why the planner left a queued job without a runner this pass (null: one is on its way or running). */
  planned(jobId: number, reason: string | null, pool: string | null = null): void {
    const entry = this.#jobs.get(jobId);
    if (entry === undefined) return;
    const poolChanged = pool !== null && entry.job.pool !== pool && entry.job.phase === 'queued';
    if (entry.planReason === reason && !poolChanged) return;
    entry.planReason = reason;
    entry.unserved = reason !== null && pool === null;
    if (poolChanged) entry.job.pool = pool;
    if (entry.job.phase === 'queued') this.#changed(jobId);
  }

  /**
   * The queued jobs of a pass's demand: those seen in an earlier demand and missing now have left the queue (a
   * runner took them, or they were cancelled), which without webhooks is the only word of it. Not sampled for
   * latency: when exactly is unknown.
   */
  demandSeen(ids: ReadonlySet<number>): void {
    for (const [id, entry] of [...this.#jobs.entries()]) {
      if (ids.has(id)) entry.inDemand = true;
      else if (entry.inDemand && entry.job.phase === 'queued') this.taken(id, null, this.#now(), false);
    }
  }

  /** A runner was started for the job (again, when the first was removed before it took it). */
  runnerStarted(jobId: number, runner: string, pool: string): void {
    const entry = this.#jobs.get(jobId);
    if (entry === undefined || entry.job.phase !== 'queued' || entry.job.runner === runner) return;
    const now = this.#now();
    if (entry.job.runnerStartedAt === null) {
      this.latency.add('toRunning', now - Date.parse(entry.job.queuedAt));
      entry.job.runnerStartedAt = iso(now);
    }
    Object.assign(entry.job, { runner, pool });
    entry.planReason = null;
    this.#changed(jobId);
  }

  /** A runner took the job (GitHub's `in_progress`, or its runner seen busy with it). */
  taken(jobId: number, runner: string | null, atMs = this.#now(), sample = true): void {
    const entry = this.#jobs.get(jobId);
    if (entry === undefined || entry.job.phase !== 'queued') return;
    const { job } = entry;
    const queuedAt = Date.parse(job.queuedAt);
    // Taken by a runner that was running already (a warm one): it had a runner running as soon as it was taken.
    const sampled = sample && !entry.unserved;
    if (sampled && job.runnerStartedAt === null) this.latency.add('toRunning', atMs - queuedAt);
    if (sampled) this.latency.add('toTaken', atMs - queuedAt);
    Object.assign(job, {
      phase: 'taken',
      takenAt: iso(atMs),
      runner: runner ?? job.runner,
      waitReason: null,
    });
    this.#changed(jobId);
  }

  /** GitHub reported the job's end (its conclusion is null when only its runner's end was seen). */
  completed(jobId: number, conclusion: string | null, atMs = this.#now()): void {
    const entry = this.#jobs.get(jobId);
    if (entry === undefined || entry.job.phase === 'completed') return;
    Object.assign(entry.job, { phase: 'completed', completedAt: iso(atMs), conclusion, waitReason: null });
    this.#changed(jobId);
  }

  /**
   * What a look at the runners tells without webhooks: a runner busy with the job it was started for took it (unless
   * GitHub said it took another), and a job whose runner we started has ended when that runner has.
   */
  observeRunners(runners: readonly RunnerSighting[]): void {
    const holding = new Set<string>();
    for (const { job } of this.#jobs.values()) {
      if (job.phase === 'taken' && job.runner !== null) holding.add(job.runner);
    }
    for (const runner of runners) {
      if (runner.state === 'busy' && runner.jobId !== null && !holding.has(runner.id)) {
        this.taken(runner.jobId, runner.id);
      }
    }
    const live = new Map(runners.map((runner) => [runner.id, runner.state]));
    for (const { job } of [...this.#jobs.values()]) {
      if (job.phase !== 'taken' || job.runnerStartedAt === null || job.runner === null) continue;
      const state = live.get(job.runner);
      if (state === undefined || state === 'exited') this.completed(job.id, null);
    }
  }

  /**
   * What a poll saw of one repository's queued and running runs: each job's own steps, as GitHub dates them. A job
   * of that repository taken earlier and no longer among them belongs to a run that has ended: it has ended too.
   */
  polled(repository: string, seen: readonly PolledJob[]): void {
    const byId = new Map(seen.map((job) => [job.id, job]));
    const at = (iso: string | null | undefined) => (iso ? Date.parse(iso) || undefined : undefined);
    for (const job of seen) {
      if (job.status === 'queued') continue;
      this.taken(job.id, job.runnerName ?? null, at(job.startedAt));
      if (job.status === 'completed') this.completed(job.id, job.conclusion ?? null, at(job.completedAt));
    }
    for (const [id, entry] of [...this.#jobs.entries()]) {
      const { job } = entry;
      if (job.repository === repository && job.phase === 'taken' && !byId.has(id)) this.completed(id, null);
    }
  }

  /** Every job kept, newest first, with why the queued ones wait as of now. */
  list(): RecentJob[] {
    return [...this.#jobs.values()].reverse().map((entry) => this.#view(entry));
  }

  get(jobId: number): RecentJob | undefined {
    const entry = this.#jobs.get(jobId);
    return entry === undefined ? undefined : this.#view(entry);
  }

  #view(entry: Entry): RecentJob {
    return { ...entry.job, labels: [...entry.job.labels], waitReason: this.#waitReason(entry) };
  }

  #waitReason({ job, planReason }: Entry): string | null {
    if (job.phase !== 'queued') return null;
    if (this.#conditions?.engineReachable() === false) return 'engine unreachable';
    const blockedUntil = this.#conditions?.githubBlockedUntil() ?? null;
    if (blockedUntil !== null && blockedUntil > this.#now()) {
      return `GitHub rate limited until ${hhmm(blockedUntil)} UTC`;
    }
    if (planReason !== null) return planReason;
    return job.runner === null ? null : `runner ${job.runner} is starting`;
  }

  #changed(jobId: number): void {
    const view = this.get(jobId);
    if (view !== undefined) this.#onChange?.(view);
  }
}

function newJob(sighting: JobSighting, nowMs: number): RecentJob {
  return {
    id: sighting.id,
    runId: sighting.runId ?? null,
    repository: sighting.repository,
    workflow: sighting.workflow ?? null,
    name: sighting.name ?? null,
    url: webUrl(sighting.url),
    labels: [...sighting.labels],
    phase: 'queued',
    queuedAt: iso(Date.parse(sighting.createdAt) || nowMs),
    runnerStartedAt: null,
    takenAt: null,
    completedAt: null,
    conclusion: null,
    runner: null,
    pool: null,
    waitReason: null,
  };
}
