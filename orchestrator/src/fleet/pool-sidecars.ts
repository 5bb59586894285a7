import type { Logger } from '@gha-ephemeral/logging';
import type { RunnerContainer, RunnerRuntime } from '@gha-ephemeral/runtime-docker';
import type { RunnerPool } from '../pools/pool.js';
import { LABELS, ownerSelector } from './container-labels.js';
import { DindSidecars, ROLE_LABEL, type DindMode, type DindSidecar } from './dind-sidecar.js';

/** `DIND_IMAGE` and `DIND_MODE`: the engine image of `docker: dind` pools, and how it gets its privileges. */
export interface DindSettings {
  image: string;
  mode: DindMode;
}

/** The label that names the runner a sidecar belongs to. */
export const SIDECAR_OF = `${LABELS.runner}-of`;

/**
 * A sidecar older than this with no runner container left is an orphan (a crash between the two creations): longer
 * than a runner's image pull (5 minutes at most) and start.
 */
const ORPHAN_AFTER_MS = 600_000;

/**
 * The Docker engines of the runners of `docker: dind` pools: one per runner, started before it, removed with it,
 * and found again by their labels after a restart. Pools without Docker cost nothing here.
 */
export class PoolSidecars {
  readonly #runtime: RunnerRuntime;
  readonly #settings: DindSettings;
  readonly #orchestratorId: string;
  readonly #logger: Logger;
  readonly #byPool = new Map<string, DindSidecars>();
  readonly #dindPools: ReadonlySet<string>;

  constructor(options: {
    runtime: RunnerRuntime;
    settings: DindSettings;
    pools: readonly RunnerPool[];
    orchestratorId: string;
    logger: Logger;
  }) {
    this.#runtime = options.runtime;
    this.#settings = options.settings;
    this.#orchestratorId = options.orchestratorId;
    this.#logger = options.logger;
    this.#dindPools = new Set(options.pools.filter((p) => p.docker === 'dind').map((p) => p.name));
  }

  /** True when runners of `pool` get an engine. */
  has(pool: string): boolean {
    return this.#dindPools.has(pool);
  }

  #sidecars(pool: RunnerPool): DindSidecars {
    let sidecars = this.#byPool.get(pool.name);
    if (sidecars === undefined) {
      // The pool's limits hold the engine and every container a job starts in it.
      sidecars = new DindSidecars({
        runtime: this.#runtime,
        image: this.#settings.image,
        limits: pool.limits,
      });
      this.#byPool.set(pool.name, sidecars);
    }
    return sidecars;
  }

  /** Starts the runner's engine when its pool has Docker; null otherwise. */
  async start(pool: RunnerPool, runnerName: string, signal?: AbortSignal): Promise<DindSidecar | null> {
    if (pool.docker !== 'dind') return null;
    const labels = { ...ownerSelector(this.#orchestratorId), [SIDECAR_OF]: runnerName };
    return this.#sidecars(pool).start(runnerName, labels, { signal, mode: this.#settings.mode });
  }

  /** Removes the runner's engine, if its pool has one. Idempotent; never throws (logged). */
  async remove(pool: string, runnerName: string, signal?: AbortSignal): Promise<void> {
    const sidecars =
      this.#byPool.get(pool) ?? (this.has(pool) ? new DindSidecars({ runtime: this.#runtime }) : null);
    if (sidecars === null) return;
    await sidecars.remove(runnerName, { signal }).catch((error: unknown) => {
      this.#logger.warn(
        { err: error, runner: runnerName },
        'could not remove a runner’s Docker engine; the sweep retries',
      );
    });
  }

  /** Removes the engines whose runner is gone (a crash between the two creations, or a missed exit). */
  async sweep(
    engines: readonly RunnerContainer[],
    liveRunners: ReadonlySet<string>,
    nowMs: number,
    signal?: AbortSignal,
  ): Promise<number> {
    // Whatever the pools are now: a pool dropped from the file may have left engines. The private networks are
    // looked at too: a crash between a network and its engine leaves the network alone.
    const networks = await this.#runtime.listNetworks(
      { labels: { ...ownerSelector(this.#orchestratorId), [ROLE_LABEL]: 'dind' } },
      { signal },
    );
    const orphaned = new Set<string>();
    for (const { labels, createdAt } of [...engines, ...networks]) {
      const runner = labels[SIDECAR_OF];
      if (runner === undefined || liveRunners.has(runner)) continue;
      if (nowMs - Date.parse(createdAt) >= ORPHAN_AFTER_MS) orphaned.add(runner);
    }
    for (const runner of orphaned) {
      await new DindSidecars({ runtime: this.#runtime }).remove(runner, { signal }).catch(() => undefined);
    }
    return orphaned.size;
  }
}
