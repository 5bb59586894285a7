import type { ConditionalRequestStats } from './conditional/etag-cache.js';
import { collectPages } from './discovery/collect-pages.js';
import * as discovery from './discovery/discovery-requests.js';
import type { GitHubAuthKind } from './discovery/discovery-requests.js';
import type {
  GitHubRepository,
  GitHubRunStatus,
  GitHubWorkflow,
  GitHubWorkflowJob,
  GitHubWorkflowRun,
  ListOptions,
  RepositoryRef,
} from './discovery/types.js';
import { toAppError, statusOf } from './errors.js';
import type { GitHubOctokit } from './octokit-client.js';
import type { GitHubRequestStats } from './metrics/request-outcomes.js';
import type { RateLimitSnapshot } from './rate-limit/rate-limit-state.js';
import type {
  CallOptions,
  DeleteRunnerResult,
  GitHubPort,
  GitHubRunner,
  JitConfigRequest,
  JitRunner,
  RunnerToken,
} from './port.js';
import { scopePath, scopeTarget, type GitHubScope } from './scope.js';

interface RawRunner {
  id: number;
  name: string;
  os: string;
  status: string;
  busy: boolean;
  labels: { name: string }[];
  ephemeral?: boolean;
}

function toRunner(raw: RawRunner): GitHubRunner {
  return {
    id: raw.id,
    name: raw.name,
    os: raw.os,
    status: raw.status === 'online' ? 'online' : 'offline',
    busy: raw.busy,
    labels: raw.labels.map((label) => label.name),
    ephemeral: raw.ephemeral ?? null,
  };
}

function requestOptions(options: CallOptions | undefined): { request: { signal?: AbortSignal } } {
  return { request: options?.signal ? { signal: options.signal } : {} };
}

/** Options of {@link OctokitGitHub}. */
export interface OctokitGitHubOptions {
  /** How the Octokit authenticates: decides how every reachable repository is listed. Default `token`. */
  authKind?: GitHubAuthKind;
}

function repoName(repo: RepositoryRef): string {
  return typeof repo === 'string' ? repo : `${repo.owner}/${repo.name}`;
}

/** The GitHub port over Octokit (REST); build the Octokit with `createOctokit`. */
export class OctokitGitHub implements GitHubPort {
  readonly #octokit: GitHubOctokit;
  readonly #credentialHint: string;
  readonly #authKind: GitHubAuthKind;

  /** `credentialHint` names the setting to check on a 401, e.g. "GITHUB_RUNNER_TOKEN". */
  constructor(
    octokit: GitHubOctokit,
    credentialHint = 'GITHUB_RUNNER_TOKEN',
    options: OctokitGitHubOptions = {},
  ) {
    this.#octokit = octokit;
    this.#credentialHint = credentialHint;
    this.#authKind = options.authKind ?? 'token';
  }

  async #call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toAppError(error, what, this.#credentialHint);
    }
  }

  async #token(scope: GitHubScope, kind: 'registration-token' | 'remove-token', options?: CallOptions) {
    const what = `create a ${kind.replace('-', ' ')} for ${scopeTarget(scope)}`;
    return this.#call(what, async () => {
      const response = await this.#octokit.request(`POST ${scopePath(scope)}/actions/runners/${kind}`, {
        ...requestOptions(options),
      });
      const data = response.data as { token: string; expires_at: string };
      return { token: data.token, expiresAt: data.expires_at } satisfies RunnerToken;
    });
  }

  createRegistrationToken(scope: GitHubScope, options?: CallOptions): Promise<RunnerToken> {
    return this.#token(scope, 'registration-token', options);
  }

  createRemoveToken(scope: GitHubScope, options?: CallOptions): Promise<RunnerToken> {
    return this.#token(scope, 'remove-token', options);
  }

  generateJitConfig(
    scope: GitHubScope,
    request: JitConfigRequest,
    options?: CallOptions,
  ): Promise<JitRunner> {
    return this.#call(
      `register just-in-time runner "${request.name}" for ${scopeTarget(scope)}`,
      async () => {
        const response = await this.#octokit.request(
          `POST ${scopePath(scope)}/actions/runners/generate-jitconfig`,
          {
            name: request.name,
            runner_group_id: request.runnerGroupId,
            labels: [...request.labels],
            ...(request.workFolder === undefined ? {} : { work_folder: request.workFolder }),
            ...requestOptions(options),
          },
        );
        const data = response.data as { runner: RawRunner; encoded_jit_config: string };
        return { runner: toRunner(data.runner), encodedJitConfig: data.encoded_jit_config };
      },
    );
  }

  listRunners(scope: GitHubScope, options?: CallOptions): Promise<GitHubRunner[]> {
    return this.#call(`list the runners of ${scopeTarget(scope)}`, async () => {
      // collectPages rather than octokit.paginate, which drops the signal after the first page.
      const runners = await collectPages(
        this.#octokit,
        { route: `GET ${scopePath(scope)}/actions/runners`, params: {}, itemsKey: 'runners', maxPages: 100 },
        options,
      );
      return (runners as RawRunner[]).map(toRunner);
    });
  }

  findRunnerByName(scope: GitHubScope, name: string, options?: CallOptions): Promise<GitHubRunner | null> {
    return this.#call(`look up runner "${name}" in ${scopeTarget(scope)}`, async () => {
      const response = await this.#octokit.request(`GET ${scopePath(scope)}/actions/runners`, {
        name,
        per_page: 100,
        ...requestOptions(options),
      });
      const data = response.data as { runners: RawRunner[] };
      const found = data.runners.find((runner) => runner.name === name);
      return found ? toRunner(found) : null;
    });
  }

  async deleteRunner(
    scope: GitHubScope,
    runnerId: number,
    options?: CallOptions,
  ): Promise<DeleteRunnerResult> {
    try {
      await this.#octokit.request(`DELETE ${scopePath(scope)}/actions/runners/{runner_id}`, {
        runner_id: runnerId,
        ...requestOptions(options),
      });
      return 'deleted';
    } catch (error) {
      // Idempotent: already gone is fine. 422 is GitHub's "still running a job".
      if (statusOf(error) === 404) return 'not_found';
      if (statusOf(error) === 422) return 'busy';
      throw toAppError(error, `delete runner ${runnerId} of ${scopeTarget(scope)}`, this.#credentialHint);
    }
  }

  ping(options?: CallOptions): Promise<{ rateLimitRemaining: number | null }> {
    return this.#call('reach GitHub', async () => {
      const response = await this.#octokit.request('GET /rate_limit', { ...requestOptions(options) });
      const remaining = response.headers['x-ratelimit-remaining'];
      return { rateLimitRemaining: remaining === undefined ? null : Number(remaining) };
    });
  }

  listAccessibleRepositories(options?: ListOptions): Promise<GitHubRepository[]> {
    return this.#call('list the repositories the credentials reach', () =>
      discovery.listAccessibleRepositories(this.#octokit, this.#authKind, options),
    );
  }

  listOrganizationRepositories(org: string, options?: ListOptions): Promise<GitHubRepository[]> {
    return this.#call(`list the repositories of organization ${org}`, () =>
      discovery.listOrganizationRepositories(this.#octokit, org, options),
    );
  }

  getRepository(repo: RepositoryRef, options?: CallOptions): Promise<GitHubRepository> {
    return this.#call(`read repository ${repoName(repo)}`, () =>
      discovery.getRepository(this.#octokit, repo, options),
    );
  }

  listWorkflows(repo: RepositoryRef, options?: ListOptions): Promise<GitHubWorkflow[]> {
    return this.#call(`list the workflows of ${repoName(repo)}`, () =>
      discovery.listWorkflows(this.#octokit, repo, options),
    );
  }

  getWorkflowFile(repo: RepositoryRef, path: string, options?: CallOptions): Promise<string | null> {
    return this.#call(`read ${path} of ${repoName(repo)}`, () =>
      discovery.getWorkflowFile(this.#octokit, repo, path, options),
    );
  }

  listQueuedRuns(repo: RepositoryRef, options?: ListOptions): Promise<GitHubWorkflowRun[]> {
    return this.listRunsByStatus(repo, 'queued', options);
  }

  listRunsByStatus(
    repo: RepositoryRef,
    status: Exclude<GitHubRunStatus, 'unknown'>,
    options?: ListOptions,
  ): Promise<GitHubWorkflowRun[]> {
    return this.#call(`list the ${status} runs of ${repoName(repo)}`, () =>
      discovery.listRunsByStatus(this.#octokit, repo, status, options),
    );
  }

  listRunJobs(repo: RepositoryRef, runId: number, options?: ListOptions): Promise<GitHubWorkflowJob[]> {
    return this.#call(`list the jobs of run ${runId} of ${repoName(repo)}`, () =>
      discovery.listRunJobs(this.#octokit, repo, runId, options),
    );
  }

  rateLimitStatus(): RateLimitSnapshot {
    return this.#octokit.rateLimit.snapshot();
  }

  suggestedPollDelayMs(baseIntervalMs: number): number {
    return this.#octokit.rateLimit.suggestedDelayMs(baseIntervalMs);
  }

  conditionalRequestStats(): ConditionalRequestStats {
    return this.#octokit.conditionalRequests.stats();
  }

  requestStats(): GitHubRequestStats {
    return this.#octokit.requestOutcomes();
  }
}
