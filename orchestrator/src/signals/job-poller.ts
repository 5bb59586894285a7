import { isAppError } from '@gha-ephemeral/contract';
import type { GitHubScope } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import { BoundedMap, KeyedBackoff } from '@gha-ephemeral/primitives';
import { scopeKey, type QueuedJob, type ScopeDemand } from './demand.js';
import type { DiscoveredJob, DiscoveredRepository, DiscoverySource } from './discovery-source.js';
import type { RepositoryVisibility } from '../fleet/repository-visibility.js';

export interface JobPollerOptions {
  source: DiscoverySource;
  /** True when a workflow file's jobs (may) run on self-hosted runners. */
  usesSelfHosted: (workflowText: string) => boolean;
  /** `DISCOVERY_MODE`: `all` (repository runners) or `organization` (organization runners). */
  mode: 'all' | 'organization';
  /** `GITHUB_ORGANIZATION`, for organization mode. */
  organizations: readonly string[];
  /** How often the repository list and the workflow analysis are refreshed (`DISCOVERY_REFRESH_INTERVAL`). */
  refreshIntervalMs: number;
  /** Whether runners may serve a repository (no public one unless `ALLOW_PUBLIC_REPOSITORIES=true`). */
  visibility: Pick<RepositoryVisibility, 'allows'>;
  logger: Logger;
  now?: () => number;
  /**
   * Told, per repository polled, of every job of its queued and running runs, whatever their status: the dashboard
   * learns from it when jobs were taken and how they ended, at no extra request.
   */
  onJobs?: (repository: string, jobs: readonly DiscoveredJob[]) => void;
}

interface WatchedRepository {
  repo: DiscoveredRepository;
  scope: GitHubScope;
}

/** Repositories whose workflows are read at once during a refresh. */
const DISCOVERY_CONCURRENCY = 4;

/** Progress lines for large accounts: one every this many repositories. */
const PROGRESS_EVERY = 100;

/** A repository GitHub refuses is asked again after 1 minute, then 2, 4, ... at most every hour. */
const REFUSED_BACKOFF = { baseMs: 60_000, maxMs: 3_600_000, jitter: 0.2 };

/** Repositories remembered (last queued jobs, refusals): far more than any account polls. */
const REMEMBERED_REPOSITORIES = 20_000;

/** A repository GitHub refuses to answer for (a 403 where the token lacks admin rights, say), as reported. */
export interface RefusedRepository {
  repository: string;
  code: string;
  message: string;
  /** Refusals in a row. */
  failures: number;
  /** When it is asked again (ISO 8601). */
  retryAt: string;
}

/**
 * The polling signal: turns GitHub into demand ("these jobs are queued, with these labels"), never touching
 * Docker. It keeps the repositories whose workflows use self-hosted runners, refreshed every
 * `refreshIntervalMs`, and polls only those for queued jobs. Every request is conditional, so an account where
 * nothing changes costs (almost) no rate limit.
 */
export class JobPoller {
  readonly #options: JobPollerOptions;
  readonly #now: () => number;
  #watched: WatchedRepository[] = [];
  #refreshedAt = -Infinity;
  readonly #refusals: KeyedBackoff<string>;
  readonly #refused = new BoundedMap<string, { code: string; message: string }>(REMEMBERED_REPOSITORIES);
  /** The queued jobs each repository had at its last answer: a refused one keeps them, so no runner it needs goes. */
  readonly #lastJobs = new BoundedMap<string, QueuedJob[]>(REMEMBERED_REPOSITORIES);

  constructor(options: JobPollerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#refusals = new KeyedBackoff({
      ...REFUSED_BACKOFF,
      now: this.#now,
      limit: REMEMBERED_REPOSITORIES,
    });
  }

  /** The repositories GitHub refuses, each asked again later, not on every poll. */
  refusedRepositories(): RefusedRepository[] {
    return [...this.#refusals.entries()].map(([repository, state]) => ({
      repository,
      code: this.#refused.get(repository)?.code ?? 'unknown',
      message: this.#refused.get(repository)?.message ?? '',
      failures: state.failures,
      retryAt: new Date(state.until).toISOString(),
    }));
  }

  /** The repositories polled for queued jobs, as `owner/name`. */
  get watchedRepositories(): string[] {
    return this.#watched.map((w) => w.repo.fullName);
  }

  /** Forces the next poll to refresh the repository list and workflow analysis. */
  invalidate(): void {
    this.#refreshedAt = -Infinity;
  }

  async #listRepositories(signal?: AbortSignal): Promise<WatchedRepository[]> {
    const { source, mode, organizations, logger } = this.#options;
    const onPage = (count: number) =>
      logger.info({ category: 'MONITOR', repositories: count }, 'listing repositories');
    if (mode === 'all') {
      const repos = await source.listAccessibleRepositories({ signal, onPage });
      return repos.map((repo) => ({
        repo,
        scope: { kind: 'repository', owner: repo.owner, repo: repo.name },
      }));
    }
    const watched: WatchedRepository[] = [];
    for (const org of organizations) {
      const repos = await source.listOrganizationRepositories(org, { signal, onPage });
      watched.push(...repos.map((repo) => ({ repo, scope: { kind: 'organization', org } as const })));
    }
    return watched;
  }

  async #usesSelfHosted(repo: DiscoveredRepository, signal?: AbortSignal): Promise<boolean> {
    const { source, usesSelfHosted } = this.#options;
    const workflows = await source.listWorkflows(repo.fullName, { signal });
    for (const workflow of workflows.filter((w) => w.state === 'active')) {
      const text = await source.getWorkflowFile(repo.fullName, workflow.path, { signal });
      if (text !== null && usesSelfHosted(text)) return true;
    }
    return false;
  }

  /** Lists the repositories and keeps those whose active workflows use self-hosted runners. */
  async refresh(signal?: AbortSignal): Promise<void> {
    const { logger } = this.#options;
    const started = this.#now();
    const all = (await this.#listRepositories(signal)).filter((w) => !w.repo.archived && !w.repo.disabled);
    const verdicts = new Array<boolean>(all.length).fill(false);
    let next = 0;
    let analyzed = 0;
    // A few repositories at a time: fast enough for large accounts, gentle on GitHub's secondary limits.
    const worker = async () => {
      while (next < all.length && !signal?.aborted) {
        const index = next++;
        const candidate = all[index]!;
        try {
          verdicts[index] = await this.#usesSelfHosted(candidate.repo, signal);
        } catch (error) {
          logger.warn(
            { err: error, repository: candidate.repo.fullName },
            'could not read the workflows of a repository',
          );
        }
        analyzed += 1;
        if (analyzed % PROGRESS_EVERY === 0) {
          logger.info({ category: 'MONITOR', analyzed, of: all.length }, 'analyzing workflows');
        }
      }
    };
    await Promise.all(Array.from({ length: DISCOVERY_CONCURRENCY }, worker));
    if (signal?.aborted) return;
    // Public ones are dropped after the analysis, so that only those that would have had runners are logged.
    const watched = all.filter(
      ({ repo }, index) =>
        verdicts[index] && this.#options.visibility.allows(repo.fullName, repo.private, 'discovery'),
    );
    this.#watched = watched;
    this.#refreshedAt = this.#now();
    logger.info(
      {
        category: 'MONITOR',
        repositories: all.length,
        selfHosted: watched.length,
        seconds: Math.round((this.#now() - started) / 100) / 10,
      },
      'discovered repositories that use self-hosted runners',
    );
  }

  async #queuedJobs(repo: DiscoveredRepository, signal?: AbortSignal): Promise<QueuedJob[]> {
    const { source } = this.#options;
    const jobs: QueuedJob[] = [];
    // A run is in_progress as soon as one of its jobs is, while its later jobs (`needs:`) may still be queued.
    const runs = [
      ...(await source.listQueuedRuns(repo.fullName, { signal })),
      ...(await source.listRunsByStatus(repo.fullName, 'in_progress', { signal })),
    ];
    const seen: DiscoveredJob[] = [];
    for (const run of runs) {
      // Every answer says the repository's visibility now: one made public since discovery gets nothing more.
      const visibility = run.repositoryPrivate ?? repo.private;
      if (!this.#options.visibility.allows(repo.fullName, visibility, 'discovery')) return [];
      const runJobs = await source.listRunJobs(repo.fullName, run.id, { signal });
      seen.push(...runJobs);
      for (const job of runJobs) {
        if (job.status !== 'queued') continue;
        jobs.push({
          id: job.id,
          runId: job.runId,
          repository: repo.fullName,
          labels: job.labels,
          createdAt: job.createdAt ?? new Date(0).toISOString(),
          name: job.name ?? null,
          workflow: job.workflowName ?? null,
          url: job.htmlUrl ?? null,
        });
      }
    }
    this.#options.onJobs?.(repo.fullName, seen);
    return jobs;
  }

  /**
   * One poll: the queued jobs of every watched repository, grouped by runner scope. A repository GitHub refuses
   * (not a 404: that one is gone) is reported once, keeps its last known jobs, and is asked again after a growing
   * delay; the others are served. A retryable failure (rate limit, GitHub down) fails the whole poll: it would
   * fail every repository the same way.
   */
  async poll(signal?: AbortSignal): Promise<ScopeDemand[]> {
    if (this.#now() - this.#refreshedAt >= this.#options.refreshIntervalMs) await this.refresh(signal);
    const byScope = new Map<string, { scope: GitHubScope; jobs: QueuedJob[] }>();
    for (const { repo, scope } of this.#watched) {
      if (signal?.aborted) break;
      const jobs = await this.#pollRepository(repo, signal);
      const key = scopeKey(scope);
      const entry = byScope.get(key) ?? { scope, jobs: [] };
      entry.jobs.push(...jobs);
      byScope.set(key, entry);
    }
    return [...byScope.values()];
  }

  /** The queued jobs of one repository, or its last known ones while GitHub refuses it. */
  async #pollRepository(repo: DiscoveredRepository, signal?: AbortSignal): Promise<QueuedJob[]> {
    const name = repo.fullName;
    if (this.#refusals.waiting(name)) return this.#lastJobs.get(name) ?? [];
    try {
      const jobs = await this.#queuedJobs(repo, signal);
      this.#lastJobs.set(name, jobs);
      if (this.#refusals.succeed(name)) {
        this.#refused.delete(name);
        this.#options.logger.info(
          { category: 'SUCCESS', repository: name },
          'GitHub answers for the repository again',
        );
      }
      return jobs;
    } catch (error) {
      if (!isAppError(error) || error.retryable) throw error;
      if (error.code === 'github.not_found') {
        // Deleted or renamed since the last refresh: drop it and refresh soon.
        this.#options.logger.info({ category: 'MONITOR', repository: name }, 'repository gone; refreshing');
        this.#lastJobs.delete(name);
        this.invalidate();
        return [];
      }
      this.#refuse(name, error.code, error.message, error);
      return this.#lastJobs.get(name) ?? [];
    }
  }

  /** Notes a refusal; only the first of a streak is a warning, the others are at debug level. */
  #refuse(name: string, code: string, message: string, error: unknown): void {
    const { failures, until } = this.#refusals.fail(name);
    this.#refused.set(name, { code, message });
    const fields = { repository: name, failures, retryAt: new Date(until).toISOString() };
    if (failures === 1) {
      this.#options.logger.warn(
        { category: 'WARNING', err: error, ...fields },
        'GitHub refuses the queued jobs of a repository; polling the others, asking it again later',
      );
    } else {
      this.#options.logger.debug({ code, ...fields }, 'GitHub still refuses the repository');
    }
  }
}
