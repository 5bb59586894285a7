import type { QueuedJob } from './demand.js';
import type { WorkflowJobEvent } from '@gha-ephemeral/contract';
import { BoundedMap } from '@gha-ephemeral/primitives';
import type { GitHubScope } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import type { RepositoryVisibility } from '../fleet/repository-visibility.js';
import type { RunnerService } from '../fleet/runner-service.js';
import type { DemandBook } from './demand-book.js';
import { JobStates } from './job-states.js';
import type { Reconciler } from '../control/reconciler.js';
import { matchPool } from '../pools/pool.js';
import type { GitHubRunnerDirectory } from '../fleet/github-runner-directory.js';

/** How many delivery ids are remembered to recognise GitHub's redeliveries. */
const REMEMBERED_DELIVERIES = 10_000;

/** What became of one delivery. */
export type JobEventOutcome = 'duplicate' | 'ignored' | 'refused' | 'queued' | 'started' | 'completed';

export interface JobEventsDeps {
  book: DemandBook;
  /** Null when automatic mode is off: queued jobs are then left to whoever creates runners. */
  reconciler: Reconciler | null;
  runners: Pick<RunnerService, 'pools'>;
  /** Told when a runner's job completed (noted in the book), so that control removes it if it stayed. */
  onFinished?: () => void;
  /** GitHub's runner lists, cached: a job that started makes its scope's list stale. */
  directory: Pick<GitHubRunnerDirectory, 'invalidate'>;
  /** Whether runners may serve a repository (no public one unless `ALLOW_PUBLIC_REPOSITORIES=true`). */
  visibility: Pick<RepositoryVisibility, 'allows' | 'allowsRepository'>;
  logger: Logger;
  mode: 'all' | 'organization';
  organizations: readonly string[];
  /** Told of every event and what became of it (metrics). */
  onHandled?: (action: WorkflowJobEvent['action'], outcome: JobEventOutcome) => void;
  /** Told of each job's steps as GitHub reports them (the dashboard's recent jobs). */
  activity?: JobActivity;
}

/** What the webhook signal tells of jobs, for people: the dashboard's recent jobs. */
export interface JobActivity {
  /** A job queued; `waitReason` when we will not serve it (no pool fits). */
  queued(job: QueuedJob, waitReason: string | null): void;
  taken(jobId: number, runner: string | null): void;
  completed(jobId: number, conclusion: string | null): void;
}

/**
 * The webhook signal: `workflow_job` deliveries turned into demand at once. `queued` adds the job and nudges the
 * reconciler (the same plan as the poller's, so the two never double up); `in_progress` and `completed` drop it,
 * and `completed` also notes the runner that ran it as finished, for control to remove if its container stayed
 * (an ephemeral runner exits by itself; this is the safety net). A redelivery (same `X-GitHub-Delivery`) does nothing, and neither does a delivery that would
 * move its job back (`queued` after `in_progress` or `completed`, `in_progress` after `completed`): the signature
 * does not cover the delivery id, so a captured `queued` body sent again under fresh ids must not bring a finished
 * job back as demand. A `queued` job of a public repository is `refused` (no demand, no runner) unless
 * `ALLOW_PUBLIC_REPOSITORIES=true`; the delivery is still answered 2xx.
 */
export class JobEvents {
  readonly #deps: JobEventsDeps;
  readonly #seen = new BoundedMap<string, true>(REMEMBERED_DELIVERIES);
  readonly #states = new JobStates();
  readonly #organizations: Set<string>;

  constructor(deps: JobEventsDeps) {
    this.#deps = deps;
    this.#organizations = new Set(deps.organizations.map((org) => org.toLowerCase()));
  }

  #remember(deliveryId: string): boolean {
    if (this.#seen.has(deliveryId)) return false;
    this.#seen.set(deliveryId, true);
    return true;
  }

  /** The runner scope a job's repository is served from, or null when this orchestrator does not serve it. */
  #scopeOf(event: WorkflowJobEvent): GitHubScope | null {
    const [owner = '', repo = ''] = event.repository.split('/');
    if (this.#deps.mode === 'all') return { kind: 'repository', owner, repo };
    return this.#organizations.has(owner.toLowerCase()) ? { kind: 'organization', org: owner } : null;
  }

  /**
   * Acts on one delivery. Resolves once it is recorded: a `queued` job's pass runs in the background (nudges
   * share a pass), a `completed` job's runner is only noted (control removes it). A delivery whose handling failed is
   * forgotten again, so that the gateway's retry (or GitHub's redelivery) of it is not taken for a duplicate.
   */
  async handle(event: WorkflowJobEvent, signal?: AbortSignal): Promise<JobEventOutcome> {
    let outcome: JobEventOutcome;
    if (!this.#remember(event.deliveryId)) {
      outcome = 'duplicate';
    } else if (!this.#states.advance(event.job.id, event.action)) {
      // Kept as seen: the same stale delivery again is a duplicate.
      this.#deps.logger.info(
        {
          category: 'MONITOR',
          delivery: event.deliveryId,
          job: event.job.id,
          repository: event.repository,
          action: event.action,
          seen: this.#states.furthest(event.job.id),
        },
        'job event behind the state already reported; ignored',
      );
      outcome = 'ignored';
    } else {
      try {
        outcome = await this.#act(event, signal);
      } catch (error) {
        this.#seen.delete(event.deliveryId);
        throw error;
      }
    }
    this.#deps.onHandled?.(event.action, outcome);
    return outcome;
  }

  /**
   * Asks for a creations-only pass. Not awaited: the answer goes back at once, so the gateway never holds this
   * job's next events (or another job's) behind a pass; a pass reads the book when it starts, so what arrives
   * meanwhile is seen. A failed pass is logged; the next nudge or poll tries again.
   */
  #nudge(reconciler: Reconciler, log: Logger, signal?: AbortSignal): void {
    reconciler
      .nudge(() => this.#deps.book.demand(), signal)
      .catch((error: unknown) => {
        log.warn({ err: error }, 'a pass for queued jobs failed; the next signal or poll retries');
      });
  }

  /** The repository's visibility as the delivery says, else as GitHub answers (a payload that lacked the flag). */
  async #allowed(event: WorkflowJobEvent, signal?: AbortSignal): Promise<boolean> {
    const { visibility } = this.#deps;
    return event.repositoryPrivate === undefined
      ? visibility.allowsRepository(event.repository, 'webhook', { signal })
      : visibility.allows(event.repository, event.repositoryPrivate, 'webhook');
  }

  async #act(event: WorkflowJobEvent, signal?: AbortSignal): Promise<JobEventOutcome> {
    const { book, logger } = this.#deps;
    const log = logger.child({ delivery: event.deliveryId, job: event.job.id, repository: event.repository });
    const scope = this.#scopeOf(event);
    switch (event.action) {
      case 'queued': {
        const { reconciler } = this.#deps;
        if (
          reconciler === null ||
          scope === null ||
          matchPool(this.#deps.runners.pools, { labels: event.job.labels, repository: event.repository }) ===
            null
        ) {
          log.debug({ labels: event.job.labels }, 'queued job fits no pool');
          if (reconciler !== null) {
            this.#deps.activity?.queued(
              queuedJob(event),
              `no pool fits labels [${event.job.labels.join(', ')}]`,
            );
          }
          return 'ignored';
        }
        if (!(await this.#allowed(event, signal))) return 'refused';
        book.add(scope, queuedJob(event));
        this.#deps.activity?.queued(queuedJob(event), null);
        log.info({ category: 'MONITOR', labels: event.job.labels }, 'job queued');
        this.#nudge(reconciler, log, signal);
        return 'queued';
      }
      case 'in_progress':
        this.#deps.activity?.taken(event.job.id, event.job.runnerName);
        if (event.job.runnerName) book.started(event.job.id, event.job.runnerName);
        else book.remove(event.job.id);
        if (scope) this.#deps.directory.invalidate(scope);
        log.info({ category: 'MONITOR', runner: event.job.runnerName }, 'job started');
        // A warm runner may have taken it: its pool is refilled now, not at the next poll.
        if (this.#deps.reconciler !== null && this.#deps.runners.pools.some((pool) => pool.minIdle > 0)) {
          this.#nudge(this.#deps.reconciler, log, signal);
        }
        return 'started';
      case 'completed': {
        this.#deps.activity?.completed(event.job.id, event.job.conclusion ?? null);
        const name = event.job.runnerName;
        if (!name) book.remove(event.job.id);
        else {
          // Noted, not acted on: the control side removes the runner if its container did not exit.
          book.finished(event.job.id, name);
          this.#deps.onFinished?.();
        }
        // Its slot is free: a job left waiting by MAX_RUNNERS can start now rather than at the next poll.
        const { reconciler } = this.#deps;
        if (reconciler !== null && book.demand().length > 0) this.#nudge(reconciler, log, signal);
        return 'completed';
      }
      case 'waiting':
        return 'ignored';
    }
  }
}

/** A `queued` delivery's job, as demand. */
function queuedJob(event: WorkflowJobEvent): QueuedJob {
  return {
    id: event.job.id,
    runId: event.job.runId,
    repository: event.repository,
    labels: event.job.labels,
    createdAt: event.job.createdAt ?? new Date().toISOString(),
    name: event.job.name ?? null,
    workflow: event.job.workflowName ?? null,
    url: event.job.htmlUrl ?? null,
  };
}
