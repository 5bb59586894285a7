import type {
  DashboardSnapshot,
  GitHubRateLimit,
  Health,
  JobLatency,
  Pool,
  Runner,
} from '@gha-ephemeral/contract';
import type { Logger } from '@gha-ephemeral/logging';
import { SseStreams, type SseSink, type SseStream } from '@gha-ephemeral/primitives';
import type { RecentJobs } from './recent-jobs.js';

/** What the dashboard shows, each read where it is kept. */
export interface FeedSources {
  /** The runners, GitHub's part allowed to be a little old (the feed looks every second). */
  runners(signal: AbortSignal): Promise<Runner[]>;
  pools(runners: readonly Runner[]): Pool[];
  jobs: RecentJobs;
  health(): Promise<Health>;
  rateLimit(): GitHubRateLimit;
}

/** Options of {@link DashboardFeed}; each has a default fit for production. */
export interface FeedOptions {
  /** How often the runners are looked at while someone watches. Default 1 s. */
  tickMs?: number;
  /** How often health and the latency summary are looked at while someone watches. Default 5 s. */
  slowTickMs?: number;
  /** Most streams at once (a gateway opens one per browser tab). Default 64. */
  maxStreams?: number;
  /** Bytes a stream may have unsent before its client is dropped as too slow. Default 1 MiB. */
  maxBufferedBytes?: number;
  heartbeatMs?: number;
}

/**
 * The dashboard's live feed: a snapshot to each new stream, then only what changed. The runners are looked at
 * every second while at least one stream is open (and not at all otherwise); jobs are pushed as they change.
 * A slow client is dropped (bounded buffer), and every stream ends with `bye` at shutdown.
 */
export class DashboardFeed {
  readonly #sources: FeedSources;
  readonly #log: Logger;
  readonly #streams: SseStreams;
  readonly #tickMs: number;
  readonly #slowTickMs: number;
  #timer: NodeJS.Timeout | null = null;
  #ticking = false;
  #lastSlowTick = 0;
  #runners = new Map<string, string>();
  #pools = '';
  #health = '';
  #latency = '';
  #lastHealth: Health | null = null;

  constructor(sources: FeedSources, logger: Logger, options: FeedOptions = {}) {
    this.#sources = sources;
    this.#log = logger;
    this.#tickMs = options.tickMs ?? 1_000;
    this.#slowTickMs = options.slowTickMs ?? 5_000;
    this.#streams = new SseStreams({
      maxStreams: options.maxStreams ?? 64,
      maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
      heartbeatMs: options.heartbeatMs ?? 15_000,
    });
    sources.jobs.watch((job) => this.#streams.broadcast('job', { type: 'job', job }), {
      engineReachable: () => this.#lastHealth?.dependencies['docker']?.status !== 'down',
      githubBlockedUntil: () => {
        const until = this.#sources.rateLimit().blockedUntil;
        return until === null ? null : Date.parse(until);
      },
    });
  }

  get streams(): number {
    return this.#streams.size;
  }

  /** True when no stream more may open. */
  get full(): boolean {
    return this.#streams.full;
  }

  /** Everything at once, as the first event of a stream and `GET /api/v1/jobs` need it. */
  async snapshot(signal: AbortSignal): Promise<DashboardSnapshot> {
    const [runners, health] = await Promise.all([this.#sources.runners(signal), this.#sources.health()]);
    this.#lastHealth = health;
    return {
      runners,
      pools: this.#sources.pools(runners),
      jobs: this.#sources.jobs.list(),
      latency: this.#sources.jobs.latency.summary(),
      health,
      rateLimit: this.#sources.rateLimit(),
    };
  }

  /** Opens a stream on `sink` and sends it the snapshot; null when too many are open or the feed is closing. */
  async open(sink: SseSink): Promise<SseStream | null> {
    const stream = this.#streams.open(sink, () => this.#stopWhenUnwatched());
    if (stream === null) return null;
    const snapshot = await this.snapshot(AbortSignal.timeout(10_000));
    stream.send('snapshot', { type: 'snapshot', snapshot });
    // The first watcher sets what changes are measured against; a later one gets repeats at worst, never gaps.
    // A client gone while its snapshot was read has been forgotten already: looking for it would never stop.
    if (this.#timer === null && stream.open) {
      this.#remember(snapshot);
      this.#timer = setInterval(() => void this.#tick(), this.#tickMs);
    }
    return stream;
  }

  /** Ends every stream with `bye` (the server is stopping) and stops looking. */
  close(): void {
    this.#streams.closeAll('bye', { type: 'bye', reason: 'shutdown' });
    this.#stopWhenUnwatched();
  }

  #stopWhenUnwatched(): void {
    if (this.#streams.size > 0 || this.#timer === null) return;
    clearInterval(this.#timer);
    this.#timer = null;
  }

  #remember(snapshot: DashboardSnapshot): void {
    this.#runners = new Map(snapshot.runners.map((runner) => [runner.id, JSON.stringify(runner)]));
    this.#pools = JSON.stringify(snapshot.pools);
    this.#health = JSON.stringify([withoutUptime(snapshot.health), snapshot.rateLimit]);
    this.#latency = JSON.stringify(snapshot.latency);
  }

  /** One look: what changed since the last is sent; a look still running when the next is due is not doubled. */
  async #tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      const runners = await this.#sources.runners(AbortSignal.timeout(Math.max(5_000, this.#tickMs * 5)));
      this.#sources.jobs.observeRunners(
        runners.map(({ id, status, jobId }) => ({ id, state: status, jobId })),
      );
      this.#sendRunners(runners);
      this.#sendIfChanged('pools', this.#sources.pools(runners), (json) => (this.#pools = json), this.#pools);
      if (Date.now() - this.#lastSlowTick >= this.#slowTickMs) await this.#slowTick();
    } catch (error) {
      this.#log.debug(
        { err: error },
        'the dashboard feed could not look at the runners; the next look retries',
      );
    } finally {
      this.#ticking = false;
    }
  }

  async #slowTick(): Promise<void> {
    this.#lastSlowTick = Date.now();
    const health = await this.#sources.health();
    this.#lastHealth = health;
    const rateLimit = this.#sources.rateLimit();
    this.#sendIfChanged('health', { health, rateLimit }, (json) => (this.#health = json), this.#health, [
      withoutUptime(health),
      rateLimit,
    ]);
    const latency: JobLatency = this.#sources.jobs.latency.summary();
    this.#sendIfChanged('latency', { latency }, (json) => (this.#latency = json), this.#latency, latency);
  }

  #sendRunners(runners: readonly Runner[]): void {
    const seen = new Set<string>();
    for (const runner of runners) {
      seen.add(runner.id);
      const json = JSON.stringify(runner);
      if (this.#runners.get(runner.id) === json) continue;
      this.#runners.set(runner.id, json);
      this.#streams.broadcast('runner', { type: 'runner', runner });
    }
    for (const id of [...this.#runners.keys()]) {
      if (seen.has(id)) continue;
      this.#runners.delete(id);
      this.#streams.broadcast('runner.removed', { type: 'runner.removed', id });
    }
  }

  /** Sends `payload` as `type` when `compared` (default: the payload) differs from what was sent last. */
  #sendIfChanged(
    type: 'pools' | 'health' | 'latency',
    payload: object,
    keep: (json: string) => void,
    last: string,
    compared: unknown = payload,
  ): void {
    const json = JSON.stringify(compared);
    if (json === last) return;
    keep(json);
    const data = type === 'pools' ? { type, pools: payload } : { type, ...payload };
    this.#streams.broadcast(type, data);
  }
}

/** Health as compared between looks: its uptime changes every time and is no news. */
function withoutUptime(health: Health): Omit<Health, 'uptimeSeconds'> {
  const { uptimeSeconds: _uptime, ...rest } = health;
  return rest;
}
