import { ScaleSetMetrics } from './scale-set-metrics.js';
import type { RunnerStatus } from '@gha-ephemeral/contract';
import { GITHUB_REQUEST_OUTCOMES, type GitHubPort } from '@gha-ephemeral/github';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { PoolMetrics } from './pool-metrics.js';
import type { RemovalReason, RunnerObserver, StartReason } from './runner-observer.js';

const PREFIX = 'gha_ephemeral_';
const RUNNER_STATES: readonly RunnerStatus[] = ['starting', 'idle', 'busy', 'offline', 'exited'];

/** What the metrics read at scrape time. */
export interface MetricsSources {
  /** The runners' states now (Docker's containers joined with GitHub's cached runner lists). */
  runnerStates(signal: AbortSignal): Promise<readonly RunnerStatus[]>;
  github: Pick<GitHubPort, 'rateLimitStatus' | 'requestStats'>;
  /** How many repositories GitHub refuses to poll now (automatic mode; 0 otherwise). */
  refusedRepositories?: () => number;
  /** How many scopes wait before runners are created in them again, after failures that will not pass by themselves. */
  blockedScopes?: () => number;
}

/** Options of {@link OrchestratorMetrics}. */
export interface OrchestratorMetricsOptions {
  /** Also export Node's process metrics: once per process, in `main.ts`. */
  processMetrics?: boolean;
  /** Longest a scrape waits for the runner list before reporting the previous counts (default 5 s). */
  scrapeTimeoutMs?: number;
}

/**
 * The orchestrator's Prometheus metrics, in a registry of their own (one per orchestrator: tests build many).
 * Counters are incremented as things happen (it is the {@link RunnerObserver} of the runner service); gauges and
 * GitHub's counters are read at scrape time. Labels are bounded sets: never a runner name or a repository.
 */
export class OrchestratorMetrics implements RunnerObserver {
  readonly registry = new Registry();
  readonly runnersStarted: Counter<'reason'>;
  readonly runnersRemoved: Counter<'reason'>;
  readonly runnerStartFailures: Counter;
  readonly jobEvents: Counter<'action' | 'outcome'>;
  readonly queuedToRunning: Histogram;
  /** The metrics of each pool. */
  readonly pools: PoolMetrics;
  /** The scale-set listeners' gauges (GitHub's statistics, named as ARC's). */
  readonly scaleSets: ScaleSetMetrics;
  #sources: MetricsSources | null = null;

  constructor(options: OrchestratorMetricsOptions = {}) {
    const registers = [this.registry];
    const timeoutMs = options.scrapeTimeoutMs ?? 5000;
    // Read through a closure: inside collect(), `this` is the metric being collected.
    const sources = (): MetricsSources | null => this.#sources;
    this.pools = new PoolMetrics(this.registry, timeoutMs);
    this.scaleSets = new ScaleSetMetrics(this.registry);
    new Gauge({
      name: `${PREFIX}runners`,
      help: 'Runner containers of this orchestrator by state (starting, idle, busy, offline, exited)',
      labelNames: ['state'],
      registers,
      async collect() {
        const from = sources();
        if (from === null) return;
        let states: readonly RunnerStatus[];
        try {
          states = await from.runnerStates(AbortSignal.timeout(timeoutMs));
        } catch {
          // Docker did not answer in time: the previous counts stay (a gap would read as "no runners").
          return;
        }
        for (const state of RUNNER_STATES) this.set({ state }, states.filter((s) => s === state).length);
      },
    });
    this.runnersStarted = new Counter({
      name: `${PREFIX}runners_started_total`,
      help: 'Runner containers started, by reason (api: asked through the API; job: for a queued job)',
      labelNames: ['reason'],
      registers,
    });
    this.runnersRemoved = new Counter({
      name: `${PREFIX}runners_removed_total`,
      help: 'Runner containers removed, by reason (exited, api, job_completed, start_timeout, idle_timeout, rollback)',
      labelNames: ['reason'],
      registers,
    });
    this.runnerStartFailures = new Counter({
      name: `${PREFIX}runner_start_failures_total`,
      help: 'Runners that could not be started (GitHub or Docker refused)',
      registers,
    });
    this.jobEvents = new Counter({
      name: `${PREFIX}workflow_job_events_total`,
      help: 'workflow_job webhook events received, by action and by what became of them (queued, started, completed, ignored, duplicate)',
      labelNames: ['action', 'outcome'],
      registers,
    });
    this.queuedToRunning = new Histogram({
      name: `${PREFIX}job_queued_to_runner_running_seconds`,
      help: "Seconds from a job's created_at (as GitHub reports it, to the second) to its runner container running",
      buckets: [0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    new Counter({
      name: `${PREFIX}github_requests_total`,
      help: 'Requests to GitHub by outcome (2xx, 304 = free conditional answers, 4xx, 5xx, rate_limited, network_error); retries count',
      labelNames: ['outcome'],
      registers,
      collect() {
        const stats = sources()?.github.requestStats?.();
        if (stats === undefined) return;
        this.reset();
        for (const outcome of GITHUB_REQUEST_OUTCOMES) this.inc({ outcome }, stats[outcome]);
      },
    });
    const rateLimit = (
      name: string,
      help: string,
      read: (s: ReturnType<GitHubPort['rateLimitStatus']>) => number | null,
    ) =>
      new Gauge({
        name: `${PREFIX}github_rate_limit_${name}`,
        help,
        registers,
        collect() {
          const status = sources()?.github.rateLimitStatus();
          const value = status === undefined ? null : read(status);
          if (value === null) this.reset();
          else this.set(value);
        },
      });
    rateLimit(
      'remaining',
      "Requests left in GitHub's primary rate limit window (from the last answer)",
      (s) => s.remaining,
    );
    rateLimit('limit', "GitHub's primary rate limit per hour for these credentials", (s) => s.limit);
    rateLimit('reset_timestamp_seconds', 'When the rate limit window resets (Unix time)', (s) =>
      s.resetAt === null ? null : Math.round(s.resetAt / 1000),
    );
    rateLimit('blocked', '1 while requests are held back by a rate limit, else 0', (s) =>
      s.blockedUntil === null ? 0 : 1,
    );
    new Gauge({
      name: `${PREFIX}refused_repositories`,
      help: 'Repositories GitHub refuses to poll (e.g. 403: the token lacks admin rights); asked again with backoff',
      registers,
      collect() {
        this.set(sources()?.refusedRepositories?.() ?? 0);
      },
    });
    new Gauge({
      name: `${PREFIX}scopes_backing_off`,
      help: 'Scopes where creating runners failed for a reason that will not pass by itself (403, 404, 422); retried with backoff',
      registers,
      collect() {
        this.set(sources()?.blockedScopes?.() ?? 0);
      },
    });
    if (options.processMetrics === true) collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  /** Connects what the gauges read at scrape time (set once the services exist). */
  attach(sources: MetricsSources): void {
    this.#sources = sources;
  }

  runnerStarted(reason: StartReason, jobQueuedAt: number | null, pool?: string): void {
    this.runnersStarted.inc({ reason });
    if (pool !== undefined && reason === 'job') this.pools.jobServed(pool, jobQueuedAt);
    // GitHub's clock and ours differ a little, and created_at has whole seconds: never a negative time.
    if (jobQueuedAt !== null) this.queuedToRunning.observe(Math.max(0, (Date.now() - jobQueuedAt) / 1000));
  }

  runnerStartFailed(): void {
    this.runnerStartFailures.inc();
  }

  runnerRemoved(reason: RemovalReason): void {
    this.runnersRemoved.inc({ reason });
  }

  /** Counts one `workflow_job` event and what became of it. */
  jobEventHandled(action: string, outcome: string): void {
    this.jobEvents.inc({ action, outcome });
  }
}
