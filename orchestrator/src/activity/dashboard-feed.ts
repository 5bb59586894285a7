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

/** How long a nudge waits, so that the changes of one moment (a burst of runners) make one look. */
const NUDGE_DELAY_MS = 50;

/** What was last sent: what later changes are measured against, and what a later watcher's snapshot is. */
interface Sent {
  runners: Map<string, { json: string; runner: Runner }>;
  pools: Pool[];
  poolsJson: string;
  health: Health;
  rateLimit: GitHubRateLimit;
  healthJson: string;
  latencyJson: string;
  /** What holds up every queued job (engine, GitHub's block): when it changes, the queued jobs are sent again. */
  conditions: string;
}

/**
 * The dashboard's live feed: a snapshot to each new stream, then only what changed. The runners are looked at
 * every second while at least one stream is open (and not at all otherwise); jobs are pushed as they change.
 * A stream opened while others watch gets what they were last sent, so no change can fall between its snapshot
 * and the changes after it. A slow client is dropped (bounded buffer), and every stream ends with `bye` at shutdown.
 */
export class DashboardFeed {
  readonly #sources: FeedSources;
  readonly #log: Logger;
  readonly #streams: SseStreams;
  readonly #tickMs: number;
  readonly #slowTickMs: number;
  #timer: NodeJS.Timeout | null = null;
  #ticking = false;
  /** A look asked for (a runner started or removed) while one ran: one more follows it. */
  #again = false;
  #nudge: NodeJS.Timeout | null = null;
  #lastSlowTick = 0;
  #sent: Sent | null = null;
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

  /** True once the feed was closed: the service is stopping. */
  get closing(): boolean {
    return this.#streams.closing;
  }

  /** True when no stream more may open. */
  get full(): boolean {
    return this.#streams.full;
  }

  /** Asks for health now (cached probes): the recent jobs' wait reasons read it. */
  async refreshHealth(): Promise<void> {
    this.#lastHealth = await this.#sources.health();
  }

  /** Opens a stream on `sink` and sends it the snapshot; null when too many are open or the feed is closing. */
  async open(sink: SseSink): Promise<SseStream | null> {
    const stream = this.#streams.open(sink, () => this.#stopWhenUnwatched());
    if (stream === null) return null;
    if (this.#sent !== null && this.#timer !== null) {
      stream.send('snapshot', { type: 'snapshot', snapshot: this.#snapshotOf(this.#sent) });
      return stream;
    }
    const looked = await this.#look(AbortSignal.timeout(10_000));
    // A client gone while its snapshot was read has been forgotten already: looking for it would never stop.
    if (this.#streams.size === 0) return stream;
    // The first watcher's look is what changes are measured against (unless another first watcher was quicker).
    this.#sent ??= looked;
    stream.send('snapshot', { type: 'snapshot', snapshot: this.#snapshotOf(this.#sent) });
    if (this.#timer === null) {
      this.#timer = setInterval(() => void this.#tick(), this.#tickMs);
      this.#timer.unref();
    }
    return stream;
  }

  /** Ends every stream with `bye` (the server is stopping) and stops looking. */
  close(): void {
    this.#streams.closeAll('bye', { type: 'bye', reason: 'shutdown' });
    this.#stop();
  }

  #stopWhenUnwatched(): void {
    if (this.#streams.size === 0) this.#stop();
  }

  #stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    if (this.#nudge !== null) clearTimeout(this.#nudge);
    this.#timer = this.#nudge = null;
    this.#sent = null;
  }

  /**
   * Looks again soon (a runner was started or removed): watchers see it within a few tens of milliseconds rather
   * than at the next second's look. Nudges that come together make one look; nothing happens while nobody watches.
   */
  nudge(): void {
    if (this.#timer === null || this.#nudge !== null) return;
    this.#nudge = setTimeout(() => {
      this.#nudge = null;
      if (this.#ticking) this.#again = true;
      else void this.#tick();
    }, NUDGE_DELAY_MS);
    this.#nudge.unref();
  }

  /** Everything at once. The runners as last known when the engine does not answer: health then says why. */
  async #look(signal: AbortSignal): Promise<Sent> {
    const [listed, health] = await Promise.all([
      this.#sources.runners(signal).catch(() => null),
      this.#sources.health(),
    ]);
    this.#lastHealth = health;
    const runners = listed ?? [...(this.#sent?.runners.values() ?? [])].map(({ runner }) => runner);
    const pools = this.#sources.pools(runners);
    const rateLimit = this.#sources.rateLimit();
    return {
      runners: new Map(runners.map((runner) => [runner.id, { json: JSON.stringify(runner), runner }])),
      pools,
      poolsJson: JSON.stringify(pools),
      health,
      rateLimit,
      healthJson: JSON.stringify([withoutUptime(health), rateLimit]),
      latencyJson: JSON.stringify(this.#sources.jobs.latency.summary()),
      conditions: this.#conditions(),
    };
  }

  #snapshotOf(sent: Sent): DashboardSnapshot {
    return {
      runners: [...sent.runners.values()].map(({ runner }) => runner),
      pools: sent.pools,
      jobs: this.#sources.jobs.list(),
      latency: this.#sources.jobs.latency.summary(),
      health: sent.health,
      rateLimit: sent.rateLimit,
    };
  }

  #conditions(): string {
    const until = this.#sources.rateLimit().blockedUntil;
    const blocked = until !== null && Date.parse(until) > Date.now() ? until : 'none';
    return `${this.#lastHealth?.dependencies['docker']?.status ?? 'unknown'}|${blocked}`;
  }

  /** One look: what changed since the last is sent; a look still running when the next is due is not doubled. */
  async #tick(): Promise<void> {
    const sent = this.#sent;
    if (this.#ticking || sent === null) return;
    this.#ticking = true;
    try {
      const runners = await this.#sources.runners(AbortSignal.timeout(Math.max(5_000, this.#tickMs * 5)));
      this.#sources.jobs.observeRunners(
        runners.map(({ id, status, jobId }) => ({ id, state: status, jobId })),
      );
      this.#sendRunners(sent, runners);
      const pools = this.#sources.pools(runners);
      const poolsJson = JSON.stringify(pools);
      if (poolsJson !== sent.poolsJson) {
        Object.assign(sent, { pools, poolsJson });
        this.#streams.broadcast('pools', { type: 'pools', pools });
      }
    } catch (error) {
      this.#log.debug(
        { err: error },
        'the dashboard feed could not look at the runners; the next look retries',
      );
    }
    try {
      // Even when the runners could not be listed: that is when health has news.
      if (Date.now() - this.#lastSlowTick >= this.#slowTickMs) await this.#slowTick(sent);
    } catch (error) {
      this.#log.debug({ err: error }, 'the dashboard feed could not read health; the next look retries');
    } finally {
      this.#ticking = false;
    }
    if (this.#again) {
      this.#again = false;
      void this.#tick();
    }
  }

  async #slowTick(sent: Sent): Promise<void> {
    this.#lastSlowTick = Date.now();
    const health = await this.#sources.health();
    this.#lastHealth = health;
    const rateLimit = this.#sources.rateLimit();
    const healthJson = JSON.stringify([withoutUptime(health), rateLimit]);
    if (healthJson !== sent.healthJson) {
      Object.assign(sent, { health, rateLimit, healthJson });
      this.#streams.broadcast('health', { type: 'health', health, rateLimit });
    }
    const latency: JobLatency = this.#sources.jobs.latency.summary();
    const latencyJson = JSON.stringify(latency);
    if (latencyJson !== sent.latencyJson) {
      sent.latencyJson = latencyJson;
      this.#streams.broadcast('latency', { type: 'latency', latency });
    }
    const conditions = this.#conditions();
    if (conditions !== sent.conditions) {
      sent.conditions = conditions;
      // Every queued job's wait reason reads them: each is sent again as it reads now.
      for (const job of this.#sources.jobs.list()) {
        if (job.phase === 'queued') this.#streams.broadcast('job', { type: 'job', job });
      }
    }
  }

  #sendRunners(sent: Sent, runners: readonly Runner[]): void {
    const seen = new Set<string>();
    for (const runner of runners) {
      seen.add(runner.id);
      const json = JSON.stringify(runner);
      if (sent.runners.get(runner.id)?.json === json) continue;
      sent.runners.set(runner.id, { json, runner });
      this.#streams.broadcast('runner', { type: 'runner', runner });
    }
    for (const id of [...sent.runners.keys()]) {
      if (seen.has(id)) continue;
      sent.runners.delete(id);
      this.#streams.broadcast('runner.removed', { type: 'runner.removed', id });
    }
  }
}

/** Health as compared between looks: its uptime changes every time and is no news. */
function withoutUptime(health: Health): Omit<Health, 'uptimeSeconds'> {
  const { uptimeSeconds: _uptime, ...rest } = health;
  return rest;
}
