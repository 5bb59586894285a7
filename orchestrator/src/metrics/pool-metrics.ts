import type { RunnerStatus } from '@gha-ephemeral/contract';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const PREFIX = 'gha_ephemeral_pool_';
const STATES: readonly RunnerStatus[] = ['starting', 'idle', 'busy', 'offline', 'exited'];

/** A pool's bounds, from the configuration. */
export interface PoolBounds {
  name: string;
  max: number;
  minIdle: number;
}

/** What the pool gauges read at scrape time. */
export interface PoolMetricSources {
  pools: readonly PoolBounds[];
  /** Every runner's pool and state now. */
  runners(signal: AbortSignal): Promise<readonly { pool: string; status: RunnerStatus }[]>;
  /** The runners each pool should have after the last automatic pass (automatic mode only). */
  desired?: () => ReadonlyMap<string, number>;
}

/**
 * The metrics of each pool, labelled by pool name: names come from the pool file, never from users, so the label
 * set stays as small as the file.
 */
export class PoolMetrics {
  readonly #jobsServed: Counter<'pool'>;
  readonly #queuedToRunning: Histogram<'pool'>;
  #sources: PoolMetricSources | null = null;

  constructor(registry: Registry, scrapeTimeoutMs: number) {
    const registers = [registry];
    const sources = () => this.#sources;
    new Gauge({
      name: `${PREFIX}runners`,
      help: 'Runner containers by pool and state (starting, idle, busy, offline, exited)',
      labelNames: ['pool', 'state'],
      registers,
      async collect() {
        const from = sources();
        if (from === null) return;
        const runners = await from.runners(AbortSignal.timeout(scrapeTimeoutMs)).catch(() => null);
        if (runners === null) return;
        for (const { name } of from.pools) {
          for (const state of STATES) {
            this.set(
              { pool: name, state },
              runners.filter((r) => r.pool === name && r.status === state).length,
            );
          }
        }
      },
    });
    const bound = (name: string, help: string, read: (pool: PoolBounds) => number) =>
      new Gauge({
        name: `${PREFIX}${name}`,
        help,
        labelNames: ['pool'],
        registers,
        collect() {
          for (const pool of sources()?.pools ?? []) this.set({ pool: pool.name }, read(pool));
        },
      });
    bound('max', 'Most runners of the pool at once (its max)', (pool) => pool.max);
    bound(
      'min_idle',
      'Warm runners the pool keeps registered and idle (its minIdle)',
      (pool) => pool.minIdle,
    );
    new Gauge({
      name: `${PREFIX}desired_runners`,
      help: 'Runners the pool should have after the last automatic pass (queued jobs it serves, plus minIdle, within max)',
      labelNames: ['pool'],
      registers,
      collect() {
        const desired = sources()?.desired?.();
        if (desired === undefined) return;
        for (const [pool, count] of desired) this.set({ pool }, count);
      },
    });
    this.#jobsServed = new Counter({
      name: `${PREFIX}jobs_served_total`,
      help: 'Runners started for a queued job, by pool',
      labelNames: ['pool'],
      registers,
    });
    this.#queuedToRunning = new Histogram({
      name: `${PREFIX}job_queued_to_runner_running_seconds`,
      help: "Seconds from a job's created_at to its runner container running, by pool",
      labelNames: ['pool'],
      buckets: [0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
      registers,
    });
  }

  attach(sources: PoolMetricSources): void {
    this.#sources = sources;
  }

  /** A runner of `pool` started for a job queued at `jobQueuedAt` (epoch ms), when known. */
  jobServed(pool: string, jobQueuedAt: number | null): void {
    this.#jobsServed.inc({ pool });
    if (jobQueuedAt !== null)
      this.#queuedToRunning.observe({ pool }, Math.max(0, (Date.now() - jobQueuedAt) / 1000));
  }
}
