import { isAppError } from '@gha-ephemeral/contract';
import { scopeFromTarget, type GitHubPort } from '@gha-ephemeral/github';
import type { RunnerContainer, RunnerRuntime } from '@gha-ephemeral/runtime-docker';
import type { Logger } from '@gha-ephemeral/logging';
import { backoffDelayMs, TaskPool } from '@gha-ephemeral/primitives';
import { decodeRunnerLabels, ownerSelector, type RunnerRecord } from './container-labels.js';
import type { GitHubRunnerDirectory } from './github-runner-directory.js';
import type { PoolSidecars } from './pool-sidecars.js';
import { ROLE_LABEL } from './dind-sidecar.js';
import { NO_RUNNER_OBSERVER, type RemovalReason, type RunnerObserver } from '../metrics/runner-observer.js';

/** How a runner's removal ended: `done` when container and registration are gone, `pending` when GitHub still holds it. */
export type ReapResult = 'done' | 'pending';

interface Pending {
  record: RunnerRecord;
  attempts: number;
  nextAt: number;
}

const RETRY_BASE_MS = 2_000;
const RETRY_MAX_MS = 5 * 60_000;
const MAX_ATTEMPTS = 30;
/** Runners removed at once: one whose engine or GitHub call hangs (until its deadline) holds back no other. */
const REAP_CONCURRENCY = 8;

export interface RunnerReaperDeps {
  runtime: RunnerRuntime;
  github: GitHubPort;
  directory: GitHubRunnerDirectory;
  logger: Logger;
  orchestratorId: string;
  now?: () => number;
  /** Told of every container removed (metrics). */
  observer?: RunnerObserver;
  /** Told of each runner whose container is gone, by id (its secrets can be forgotten). */
  onRemoved?: (runnerId: string) => void;
  /** The Docker engines of `docker: dind` pools, removed with their runners. */
  sidecars?: PoolSidecars;
}

/**
 * Makes ended runners disappear: the container, then the GitHub registration. Every step is idempotent, so the
 * event stream, the periodic sweep and an API delete may all reach the same runner without harm. A registration
 * GitHub will not delete yet (the runner is still marked busy, or GitHub is down) is retried with backoff.
 */
export class RunnerReaper {
  readonly #deps: RunnerReaperDeps;
  readonly #now: () => number;
  readonly #pending = new Map<string, Pending>();

  constructor(deps: RunnerReaperDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** Runners whose registration removal is waiting for a retry. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Removes a runner's container and then its registration; `reason` is for the metrics (default `exited`). */
  async reap(
    container: Pick<RunnerContainer, 'id' | 'labels'>,
    signal?: AbortSignal,
    reason: RemovalReason = 'exited',
  ): Promise<ReapResult> {
    const record = decodeRunnerLabels(container.labels);
    // Counted only by the caller that removed it: the event stream and the sweep often reach the same container.
    if (await this.#deps.runtime.remove(container.id, { signal })) {
      (this.#deps.observer ?? NO_RUNNER_OBSERVER).runnerRemoved(reason);
    }
    if (record === null) return 'done';
    this.#deps.onRemoved?.(record.id);
    if (this.#deps.sidecars?.has(record.pool))
      await this.#deps.sidecars.remove(record.pool, record.id, signal);
    return this.ensureRegistrationGone(record, signal);
  }

  /**
   * Retires a runner that looks idle: its registration first, and only then its container, so that one GitHub
   * handed a job a moment ago (the listing, or the scale set's `JobStarted`, not there yet) is kept: GitHub refuses
   * to delete a busy runner, and `kept` says so. A failure to ask GitHub throws, and nothing is removed.
   */
  async retireIdle(
    container: Pick<RunnerContainer, 'id' | 'labels'>,
    signal?: AbortSignal,
    reason: RemovalReason = 'idle_timeout',
  ): Promise<ReapResult | 'kept'> {
    const record = decodeRunnerLabels(container.labels);
    if (record !== null) {
      const scope = scopeFromTarget(record.scope, record.target);
      const found = await this.#deps.github.findRunnerByName(scope, record.id, { signal });
      const deleted =
        found === null ? 'not_found' : await this.#deps.github.deleteRunner(scope, found.id, { signal });
      this.#deps.directory.invalidate(scope);
      if (deleted === 'busy') return 'kept';
    }
    return this.reap(container, signal, reason);
  }

  /** Deletes the runner's GitHub registration if there is one; on failure the runner is queued for a retry. */
  async ensureRegistrationGone(record: RunnerRecord, signal?: AbortSignal): Promise<ReapResult> {
    const scope = scopeFromTarget(record.scope, record.target);
    const log = this.#deps.logger.child({ runner: record.id });
    try {
      const found = await this.#deps.github.findRunnerByName(scope, record.id, { signal });
      const result =
        found === null ? 'not_found' : await this.#deps.github.deleteRunner(scope, found.id, { signal });
      this.#deps.directory.invalidate(scope);
      if (result === 'busy') {
        log.info(
          { category: 'MONITOR' },
          'GitHub still marks the runner busy; will retry removing its registration',
        );
        this.#schedule(record);
        return 'pending';
      }
      this.#pending.delete(record.id);
      log.info({ category: 'SUCCESS', registration: result }, 'runner removed');
      return 'done';
    } catch (error) {
      if (signal?.aborted) {
        log.info(
          { category: 'MONITOR' },
          'stopping before the runner registration was removed; the purge after the next start removes it',
        );
      } else if (isAppError(error) && !error.retryable) {
        log.error({ err: error }, 'cannot remove the runner registration');
      } else {
        log.warn({ err: error }, 'removing the runner registration failed; will retry');
      }
      this.#schedule(record);
      return 'pending';
    }
  }

  #schedule(record: RunnerRecord): void {
    const previous = this.#pending.get(record.id);
    const attempts = (previous?.attempts ?? 0) + 1;
    if (attempts > MAX_ATTEMPTS) {
      this.#pending.delete(record.id);
      this.#deps.logger.error(
        { runner: record.id },
        'gave up removing the runner registration; the purge will find it',
      );
      return;
    }
    const delay = backoffDelayMs(attempts, { baseMs: RETRY_BASE_MS, maxMs: RETRY_MAX_MS });
    this.#pending.set(record.id, { record, attempts, nextAt: this.#now() + delay });
  }

  /** Retries the registrations whose time has come. */
  async retryPending(signal?: AbortSignal): Promise<void> {
    const due = [...this.#pending.values()].filter((entry) => entry.nextAt <= this.#now());
    const pool = new TaskPool(REAP_CONCURRENCY);
    for (const entry of due) {
      if (signal?.aborted) break;
      await pool.run(async () => void (await this.ensureRegistrationGone(entry.record, signal)));
    }
    await pool.drain();
  }

  /** Reaps every ended container of this orchestrator (those whose exit event was missed, e.g. while it was down). */
  async sweep(signal?: AbortSignal): Promise<number> {
    const containers = await this.#deps.runtime.list(
      { labels: ownerSelector(this.#deps.orchestratorId) },
      { signal },
    );
    // A runner's Docker engine (and its readiness probe) goes with its runner, or with the sidecar sweep below.
    const runners = containers.filter((container) => container.labels[ROLE_LABEL] === undefined);
    const ended = runners.filter((container) => container.state === 'exited' || container.state === 'dead');
    const pool = new TaskPool(REAP_CONCURRENCY);
    for (const container of ended) {
      if (signal?.aborted) break;
      await pool.run(() => this.#reapLogged(container, container.name, signal));
    }
    await pool.drain();
    const live = new Set(runners.flatMap((c) => decodeRunnerLabels(c.labels)?.id ?? []));
    const engines = containers.filter((container) => container.labels[ROLE_LABEL] === 'dind');
    await this.#deps.sidecars?.sweep(engines, live, this.#now(), signal);
    return ended.length;
  }

  /**
   * Follows Docker's event stream and reaps each runner as soon as its container exits, until `signal` aborts.
   * Runners are reaped side by side, a few at a time, so one slow removal never holds back the next exits; errors
   * in one runner's removal are logged and do not stop the loop.
   */
  async watch(signal: AbortSignal): Promise<void> {
    const events = this.#deps.runtime.events(
      { labels: ownerSelector(this.#deps.orchestratorId) },
      { signal },
    );
    const pool = new TaskPool(REAP_CONCURRENCY);
    for await (const event of events) {
      if (event.type === 'resumed') {
        // Exits while the stream was cut (an engine restart) were never reported: look for them now.
        await pool.run(async () => {
          const reaped = await this.sweep(signal).catch(() => 0);
          if (reaped > 0)
            this.#deps.logger.info(
              { category: 'MONITOR', reaped },
              'removed runners that ended while the event stream was cut',
            );
        });
        continue;
      }
      // A runner's Docker engine goes with its runner (see `reap`); its own exit says nothing.
      if (event.type !== 'exited' || event.labels[ROLE_LABEL] !== undefined) continue;
      this.#deps.logger.info(
        { category: 'MONITOR', runner: event.name, exitCode: event.exitCode },
        'runner container exited',
      );
      await pool.run(() =>
        this.#reapLogged({ id: event.containerId, labels: event.labels }, event.name, signal),
      );
    }
    await pool.drain();
  }

  /** Reaps one runner; a failure is logged (the sweep retries it), never thrown. */
  async #reapLogged(
    container: Pick<RunnerContainer, 'id' | 'labels'>,
    name: string,
    signal?: AbortSignal,
  ): Promise<void> {
    try {
      await this.reap(container, signal);
    } catch (error) {
      if (signal?.aborted) return;
      this.#deps.logger.warn(
        { err: error, runner: name },
        'removing an ended runner failed; the sweep will retry',
      );
    }
  }
}
