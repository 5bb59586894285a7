import { isAppError } from '@gha-ephemeral/contract';
import type { GitHubScope } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import { scopeKey, type QueuedJob, type ScopeDemand } from './demand.js';
import type { DiscoveredRepository, DiscoverySource } from './discovery-source.js';

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
  logger: Logger;
  now?: () => number;
}

interface WatchedRepository {
  repo: DiscoveredRepository;
  scope: GitHubScope;
}

/** Repositories whose workflows are read at once during a refresh. */
const DISCOVERY_CONCURRENCY = 4;

/** Progress lines for large accounts: one every this many repositories. */
const PROGRESS_EVERY = 100;

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

  constructor(options: JobPollerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
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
    const watched = all.filter((_, index) => verdicts[index]);
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
    for (const run of runs) {
      for (const job of await source.listRunJobs(repo.fullName, run.id, { signal })) {
        if (job.status !== 'queued') continue;
        jobs.push({
          id: job.id,
          runId: job.runId,
          repository: repo.fullName,
          labels: job.labels,
          createdAt: job.createdAt ?? new Date(0).toISOString(),
        });
      }
    }
    return jobs;
  }

  /** One poll: the queued jobs of every watched repository, grouped by runner scope. */
  async poll(signal?: AbortSignal): Promise<ScopeDemand[]> {
    if (this.#now() - this.#refreshedAt >= this.#options.refreshIntervalMs) await this.refresh(signal);
    const byScope = new Map<string, { scope: GitHubScope; jobs: QueuedJob[] }>();
    for (const { repo, scope } of this.#watched) {
      if (signal?.aborted) break;
      try {
        const jobs = await this.#queuedJobs(repo, signal);
        const key = scopeKey(scope);
        const entry = byScope.get(key) ?? { scope, jobs: [] };
        entry.jobs.push(...jobs);
        byScope.set(key, entry);
      } catch (error) {
        // A repository deleted or renamed since the last refresh: drop it and refresh soon. Anything else
        // (rate limit, GitHub down) fails the whole poll: planning on half the demand could remove runners
        // that queued jobs need.
        if (!(isAppError(error) && error.code === 'github.not_found')) throw error;
        this.#options.logger.info(
          { category: 'MONITOR', repository: repo.fullName },
          'repository gone; refreshing',
        );
        this.invalidate();
      }
    }
    return [...byScope.values()];
  }
}
