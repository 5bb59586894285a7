import type { PassActivity } from './pass-activity.js';
import { isAppError } from '@gha-ephemeral/contract';
import { scopeTarget } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import type { ScopeDemand } from '../signals/demand.js';
import { backoffKey, type CreationBackoff } from './creation-backoff.js';
import type { Plan, PlanAction } from './plan.js';
import type { Fleet, PassResult } from './reconciler.js';
import type { RunnerGate } from './runner-gate.js';

type CreateAction = Extract<PlanAction, { kind: 'create' }>;
type RemoveAction = Extract<PlanAction, { kind: 'remove' }>;

/** The metric's name of each removal reason. */
const REMOVAL_REASONS = {
  'start-timeout': 'start_timeout',
  'idle-timeout': 'idle_timeout',
  'max-idle-age': 'max_idle_age',
} as const satisfies Record<RemoveAction['reason'], string>;

/**
 * Runners started at once in one pass. Docker starts containers faster side by side than one by one (measured on a
 * 2-core host, 50 runners: 8 at a time 19 s, 16 about 16 s, 32 about 13 s, as fast as 50 plain `docker run -d`).
 */
const CREATE_CONCURRENCY = 32;

/** What applying a plan needs: the fleet, the gate's book (to end entries), and the scopes' backoff. */
export interface PlanActionsDeps {
  runners: Fleet;
  logger: Logger;
  gate: RunnerGate;
  backoff: CreationBackoff;
  activity?: PassActivity;
}

/**
 * The acting half of a pass: removals one by one, then creations side by side, each failure logged once and
 * counted, a scope whose creations fail made to wait, and the gate's book told how each creation ended.
 */
export class PlanActions {
  readonly #deps: PlanActionsDeps;

  constructor(deps: PlanActionsDeps) {
    this.#deps = deps;
  }

  /** Logs a failed step; true when the rest of the pass would fail the same way (rate limited, GitHub down). */
  #failed(error: unknown, action: PlanAction['kind'], result: PassResult): boolean {
    result.failures += 1;
    if (isAppError(error) && error.code === 'runner.not_found') return false;
    this.#deps.logger.warn({ err: error, action }, 'reconcile step failed; the next pass will retry');
    return isAppError(error) && (error.code === 'github.rate_limited' || error.code === 'github.unavailable');
  }

  /**
   * Logs a failed creation and makes its scope wait (see `CreationBackoff`); only the first of a streak of lasting
   * failures is a warning. True when the rest of the pass would fail the same way.
   */
  #creationFailed(error: unknown, action: CreateAction, result: PassResult): boolean {
    const failure = this.#deps.backoff.failed(backoffKey(action), error);
    const fields = {
      target: scopeTarget(action.scope),
      failures: failure.failures,
      retryAt: new Date(failure.until).toISOString(),
    };
    if (failure.lasting && failure.failures > 1) {
      result.failures += 1;
      this.#deps.logger.debug({ err: error, ...fields }, 'creating a runner still fails');
      return false;
    }
    if (failure.lasting) {
      result.failures += 1;
      this.#deps.logger.warn(
        { category: 'WARNING', err: error, ...fields },
        'creating runners in this scope fails for a reason that will not pass by itself; trying again later',
      );
      return false;
    }
    return this.#failed(error, 'create', result);
  }

  /** Removes the runners the plan says to; true when it stopped because GitHub is limited or down. */
  async applyRemovals(plan: Plan, result: PassResult, signal?: AbortSignal): Promise<boolean> {
    for (const action of plan.actions) {
      if (signal?.aborted) return false;
      if (action.kind !== 'remove') continue;
      try {
        this.#deps.logger.info(
          { category: 'MONITOR', runner: action.runnerId, reason: action.reason },
          'removing inactive runner',
        );
        const reason = REMOVAL_REASONS[action.reason];
        const outcome = await this.#deps.runners.remove(action.runnerId, signal, reason);
        if (outcome !== 'kept') this.#deps.gate.forgetRunner(action.runnerId);
        if (outcome === 'kept') {
          this.#deps.logger.info(
            { category: 'MONITOR', runner: action.runnerId },
            'kept the runner: GitHub has just given it a job',
          );
        } else result.removed += 1;
      } catch (error) {
        if (this.#failed(error, 'remove', result)) return true;
      }
    }
    return false;
  }

  /**
   * Starts the planned runners, a few at a time: a burst of queued jobs then costs about as long as Docker takes
   * to start that many containers side by side, not one after the other. GitHub writes stay paced by the client.
   */
  async applyCreations(
    creations: readonly { action: CreateAction; key: string }[],
    demand: readonly ScopeDemand[],
    result: PassResult,
    signal?: AbortSignal,
  ): Promise<void> {
    const queuedAt = new Map(
      demand.flatMap(({ jobs }) => jobs.map((job) => [job.id, Date.parse(job.createdAt)])),
    );
    let next = 0;
    let stop = false;
    const worker = async () => {
      while (!stop && !signal?.aborted && next < creations.length) {
        const { action, key } = creations[next++]!;
        const at = action.jobId === null ? undefined : queuedAt.get(action.jobId);
        let runnerName: string | null = null;
        try {
          const [runner] = await this.#deps.runners.create(
            {
              scope: action.scope,
              labels: [],
              count: 1,
              jobId: action.jobId,
              jobQueuedAt: at === undefined || Number.isNaN(at) ? null : at,
              pool: action.pool,
            },
            signal,
          );
          result.created += 1;
          runnerName = runner?.id ?? null;
          if (runnerName !== null && action.jobId !== null) {
            this.#deps.activity?.runnerStarted(action.jobId, runnerName, action.pool);
          }
          if (this.#deps.backoff.succeeded(backoffKey(action))) {
            this.#deps.logger.info(
              { category: 'SUCCESS', target: scopeTarget(action.scope) },
              'runners start again',
            );
          }
        } catch (error) {
          if (this.#creationFailed(error, action, result)) stop = true;
        } finally {
          this.#deps.gate.end(key, runnerName);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CREATE_CONCURRENCY, creations.length) }, worker));
    // Those never tried (the pass stopped, or was aborted): no runner is on its way for them.
    for (const { key } of creations.slice(next)) this.#deps.gate.end(key, null);
  }
}
