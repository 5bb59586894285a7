import { AppError, type Runner } from '@gha-ephemeral/contract';
import { scopeTarget, type GitHubPort, type GitHubScope } from '@gha-ephemeral/github';
import type { RunnerContainer, RunnerRuntime } from '@gha-ephemeral/runtime-docker';
import type { Logger } from '@gha-ephemeral/logging';
import { LABELS, ownerSelector, UNLABELLED_POOL } from './container-labels.js';
import type { GitHubRunnerDirectory } from './github-runner-directory.js';
import { deriveRunnerLabels, withImageDefaultLabel } from './labels.js';
import { makeRunnerName } from './naming.js';
import type { OrphanRegistrations } from '../control/orphan-registrations.js';
import type { SecretSink } from './registration-tokens.js';
import type { RunnerLauncher, ScaleSetRegistrar } from './runner-launcher.js';
import type { RunnerReaper } from './runner-reaper.js';
import type { ReapResult } from './runner-reaper.js';
import { listRunnerViews, type RunnerListing } from './runner-listing.js';
import type { RemovalReason, RunnerObserver } from '../metrics/runner-observer.js';
import type { ScopeJournal } from './scope-journal.js';
import type { ObservedRunner } from '../signals/demand.js';
import { ROLE_LABEL } from './dind-sidecar.js';
import type { DindSettings } from './pool-sidecars.js';
import type { RunnerPool } from '../pools/pool.js';

/** The settings of runner containers, from the configuration. */
export interface RunnerSettings {
  /** The runner pools, in file order; the first is the one API requests without `pool` use. */
  pools: readonly RunnerPool[];
  /** `MAX_RUNNERS`: most runner containers at once, over all pools. */
  maxRunners: number;
  orchestratorId: string;
  /** Web URL runners register against (`https://github.com`, a GHES host, the simulator). */
  githubUrl: string;
  /** `runner_group_id` for just-in-time runners (1 is Default). */
  runnerGroupId: number;
}

export interface RunnerServiceDeps {
  runtime: RunnerRuntime;
  github: GitHubPort;
  /**
   * The GitHub port removals go through (by default `github`): in production a client of its own, so that removing
   * a runner never waits behind creations that hang or fail.
   */
  removals?: GitHubPort;
  logger: Logger;
  settings: RunnerSettings;
  /** `ORCHESTRATOR_STATE_DIR`, where the scopes runners were registered in are kept across restarts; null: memory. */
  stateDir?: string | null;
  /** Called with every secret minted for a runner, so logs can redact it. */
  onSecret: SecretSink;
  /** Told of every runner started, failed and removed (metrics). */
  observer?: RunnerObserver;
  /**
   * A step of a creation at which the process kills itself (`GHA_EPHEMERAL_CRASH_AT`, read only by tests): proves
   * that a restart cleans up whatever a crash there leaves.
   */
  crashAt?: CrashStep | null;
  /** `DIND_IMAGE` and `DIND_MODE`, for `docker: dind` pools. */
  dind?: DindSettings;
  /** Registers the runners of scale-set pools with their scale set. */
  scaleSets?: ScaleSetRegistrar;
  /** Told of every runner removed (the scale sets forget what GitHub said of it). */
  onRunnerRemoved?: (runnerId: string) => void;
}

/** The steps of a creation a test can crash at. */
export type CrashStep = 'after-credentials' | 'after-create' | 'after-start';

/** What to start. */
export interface CreateRunnersCommand {
  scope: GitHubScope;
  labels: readonly string[];
  count: number;
  /** The GitHub job this runner is started for, when known. */
  jobId?: number | null;
  /** When that job was queued (its `created_at`, epoch ms), for the queued-to-running metric. */
  jobQueuedAt?: number | null;
  /** The pool to start from; default the first. */
  pool?: string | undefined;
}

function poolOf(container: RunnerContainer): string {
  return container.labels[LABELS.pool] || UNLABELLED_POOL;
}

function isLive(container: RunnerContainer): boolean {
  return container.state !== 'exited' && container.state !== 'dead' && container.state !== 'removing';
}

/** What the runner service works with, each made once by the composition root. */
export interface RunnerServiceParts {
  scopes: ScopeJournal;
  directory: GitHubRunnerDirectory;
  reaper: RunnerReaper;
  launcher: RunnerLauncher;
  orphans: OrphanRegistrations;
}

/** Creates, lists and removes runners. Docker's labelled containers are the record; GitHub's list adds status. */
export class RunnerService {
  readonly #deps: RunnerServiceDeps;
  readonly #settings: RunnerSettings;
  readonly #directory: GitHubRunnerDirectory;
  readonly #reaper: RunnerReaper;
  readonly #orphans: OrphanRegistrations;
  /** Names of the runners this process is creating now: a `created` container of another name is left over. */
  readonly #creating = new Set<string>();
  readonly #launcher: RunnerLauncher;
  /** Every scope runners were registered in, so the purge looks there even when no container is left. */
  readonly #scopes: ScopeJournal;

  /** Takes its collaborators made by `composeFleet`; builds none of them itself. */
  constructor(deps: RunnerServiceDeps, parts: RunnerServiceParts) {
    this.#deps = deps;
    this.#settings = deps.settings;
    this.#scopes = parts.scopes;
    this.#directory = parts.directory;
    this.#reaper = parts.reaper;
    this.#launcher = parts.launcher;
    this.#orphans = parts.orphans;
  }

  /** The names of the runners this process is creating now. */
  creatingNames(): string[] {
    return [...this.#creating];
  }

  /** True while this process is creating the runner of that name. */
  isCreating(name: string): boolean {
    return this.#creating.has(name);
  }

  /** The scopes this process has registered runners in (bounded; the newest are kept). */
  rememberedScopes(): GitHubScope[] {
    return this.#scopes.scopes();
  }

  /** Deletes this orchestrator's registrations in `scopes` whose containers are gone (see `OrphanRegistrations`). */
  purgeOrphans(scopes: readonly GitHubScope[], signal?: AbortSignal): Promise<number> {
    return this.#orphans.purge(scopes, signal);
  }

  /** The pools, in file order. */
  get pools(): readonly RunnerPool[] {
    return this.#settings.pools;
  }

  /** The pool of that name (the first without one), or a 400 that lists the pools. */
  pool(name?: string): RunnerPool {
    const pools = this.#settings.pools;
    const found = name === undefined ? pools[0] : pools.find((pool) => pool.name === name);
    if (found !== undefined) return found;
    throw new AppError(
      'request.invalid',
      `There is no pool "${name}"; the pools are: ${pools.map((pool) => pool.name).join(', ')}`,
    );
  }

  /** The containers of this orchestrator (all states). */
  async containers(signal?: AbortSignal): Promise<RunnerContainer[]> {
    const listed = await this.#deps.runtime.list(
      { labels: ownerSelector(this.#settings.orchestratorId) },
      { signal },
    );
    // A runner's Docker engine carries the owner's labels too, but is no runner.
    return listed.filter((container) => container.labels[ROLE_LABEL] === undefined);
  }

  /** The live runner containers, by name and pool: what the capacity gate counts. */
  async liveRunners(signal?: AbortSignal): Promise<{ name: string; pool: string }[]> {
    return (await this.containers(signal))
      .filter(isLive)
      .map((container) => ({ name: container.name, pool: poolOf(container) }));
  }

  /**
   * Starts `count` runners for the scope, or none: if one fails, those already started are removed again and
   * the error is thrown, so a client never has to clean up half of a request. Capacity is the caller's: the
   * gate admitted them (see `control/runner-gate.ts`).
   */
  async create(command: CreateRunnersCommand, signal?: AbortSignal): Promise<Runner[]> {
    const pool = this.pool(command.pool);
    const results = await Promise.allSettled(
      Array.from({ length: command.count }, () => this.#createOne(command, pool, signal)),
    );
    const created = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) {
      await Promise.all(
        created.map((runner) => this.remove(runner.id, undefined, 'rollback').catch(() => undefined)),
      );
      throw failure.reason;
    }
    return created;
  }

  async #createOne(command: CreateRunnersCommand, pool: RunnerPool, signal?: AbortSignal): Promise<Runner> {
    const { scope } = command;
    const target = scopeTarget(scope);
    const name = makeRunnerName(target, this.#settings.orchestratorId);
    const labels = withImageDefaultLabel(
      deriveRunnerLabels({
        configured: pool.labels,
        requested: command.labels,
        noDefaultLabels: Boolean(pool.template.env.NO_DEFAULT_LABELS),
      }),
      pool.template,
    );
    const log = this.#deps.logger.child({ runner: name, target });
    this.#scopes.remember(scope);
    this.#creating.add(name);
    try {
      return await this.#launcher.launch(command, pool, name, labels, log, signal);
    } catch (error) {
      this.#launcher.forget(name);
      throw error;
    } finally {
      this.#creating.delete(name);
    }
  }

  /** Every runner of this orchestrator, oldest first; GitHub's part at most `maxGitHubAgeMs` old when given. */
  async list(signal?: AbortSignal, maxGitHubAgeMs?: number): Promise<Runner[]> {
    const containers = await this.containers(signal);
    return (
      await listRunnerViews(containers, this.#directory, this.#deps.logger, signal, maxGitHubAgeMs)
    ).map((view) => view.runner);
  }

  /** Every runner of this orchestrator as the control loop sees it: Docker's record joined with GitHub's. */
  async observe(signal?: AbortSignal): Promise<ObservedRunner[]> {
    return (await this.#views(await this.containers(signal), signal)).map((view) => view.observed);
  }

  #views(containers: RunnerContainer[], signal?: AbortSignal): Promise<RunnerListing[]> {
    return listRunnerViews(containers, this.#directory, this.#deps.logger, signal);
  }

  /**
   * Every runner of this orchestrator with its container, and `verified` when GitHub was asked about its scope:
   * a decision such as "never came online" must not be taken on a runner GitHub merely could not list.
   */
  async listVerified(signal?: AbortSignal): Promise<RunnerListing[]> {
    return this.#views(await this.containers(signal), signal);
  }

  async #find(id: string, signal?: AbortSignal): Promise<RunnerContainer> {
    const [container] = await this.#deps.runtime.list(
      { labels: { ...ownerSelector(this.#settings.orchestratorId), [LABELS.runner]: id } },
      { signal },
    );
    if (!container) {
      throw new AppError(
        'runner.not_found',
        `No runner has the id "${id}"; GET /api/v1/runners lists the runners`,
      );
    }
    return container;
  }

  /** One runner; `runner.not_found` when there is no such runner. */
  async get(id: string, signal?: AbortSignal): Promise<Runner> {
    const [view] = await this.#views([await this.#find(id, signal)], signal);
    if (!view) throw new AppError('runner.not_found', `No runner has the id "${id}"`);
    return view.runner;
  }

  /**
   * Removes the runner's container and its registration (`pending` when GitHub keeps it a while longer).
   * `reason` is for the metrics (default `api`).
   */
  async remove(
    id: string,
    signal?: AbortSignal,
    reason: RemovalReason = 'api',
  ): Promise<ReapResult | 'kept'> {
    const container = await this.#find(id, signal);
    this.#deps.logger.info({ category: 'INFO', runner: id, reason }, 'removing runner');
    // An idle runner may have been given a job a moment ago: GitHub is asked first (see `retireIdle`).
    if (reason === 'idle_timeout' || reason === 'max_idle_age')
      return this.#reaper.retireIdle(container, signal, reason);
    return this.#reaper.reap(container, signal, reason);
  }
}
