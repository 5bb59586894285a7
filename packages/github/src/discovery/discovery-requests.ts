import { AppError } from '@gha-ephemeral/contract';
import { statusOf } from '../errors.js';
import type { GitHubOctokit } from '../octokit-client.js';
import type { CallOptions } from '../port.js';
import { collectPages } from './collect-pages.js';
import { decodeContent, rawText } from './decode-content.js';
import { mapItems, toRepository, toWorkflow, toWorkflowJob, toWorkflowRun } from './map-entities.js';
import type {
  GitHubRepository,
  GitHubRunStatus,
  GitHubWorkflow,
  GitHubWorkflowJob,
  GitHubWorkflowRun,
  ListOptions,
  RepositoryRef,
} from './types.js';

/** How the client authenticates, which decides how "every repository it reaches" is listed. */
export type GitHubAuthKind = 'token' | 'app-installation';

// 10,000 repositories; a bound, not an expectation.
const MAX_REPOSITORY_PAGES = 100;
// GitHub stops filtered run searches at 1,000 results: 10 pages of 100.
const MAX_FILTERED_RUN_PAGES = 10;
const MAX_JOB_PAGES = 10;
const MAX_WORKFLOW_PAGES = 10;

/** `{owner, name}` from either form of a {@link RepositoryRef}. */
export function repositoryParts(repo: RepositoryRef): { owner: string; name: string } {
  if (typeof repo !== 'string') return { owner: repo.owner, name: repo.name };
  const [owner = '', name = ''] = repo.split('/');
  return { owner, name };
}

function repoParams(repo: RepositoryRef): { owner: string; repo: string } {
  const { owner, name } = repositoryParts(repo);
  return { owner, repo: name };
}

function requestOf(options: CallOptions | undefined): { signal?: AbortSignal } {
  return options?.signal ? { signal: options.signal } : {};
}

/** `GET /user/repos` for a token, `GET /installation/repositories` for an App installation. */
export async function listAccessibleRepositories(
  octokit: GitHubOctokit,
  authKind: GitHubAuthKind,
  options?: ListOptions,
): Promise<GitHubRepository[]> {
  const items =
    authKind === 'app-installation'
      ? await collectPages(
          octokit,
          {
            route: 'GET /installation/repositories',
            params: {},
            itemsKey: 'repositories',
            maxPages: MAX_REPOSITORY_PAGES,
          },
          options,
        )
      : await collectPages(
          octokit,
          {
            route: 'GET /user/repos',
            // A stable order keeps unchanged pages unchanged, so their ETags keep matching.
            params: {
              affiliation: 'owner,collaborator,organization_member',
              sort: 'full_name',
              direction: 'asc',
            },
            itemsKey: null,
            maxPages: MAX_REPOSITORY_PAGES,
          },
          options,
        );
  return mapItems(items, toRepository);
}

/** `GET /orgs/{org}/repos`, every type. */
export async function listOrganizationRepositories(
  octokit: GitHubOctokit,
  org: string,
  options?: ListOptions,
): Promise<GitHubRepository[]> {
  const items = await collectPages(
    octokit,
    {
      route: 'GET /orgs/{org}/repos',
      params: { org, type: 'all', sort: 'full_name', direction: 'asc' },
      itemsKey: null,
      maxPages: MAX_REPOSITORY_PAGES,
    },
    options,
  );
  return mapItems(items, toRepository);
}

/** `GET /repos/{owner}/{repo}`: one repository (its `private` flag, say). Not found: GitHub's 404, thrown. */
export async function getRepository(
  octokit: GitHubOctokit,
  repo: RepositoryRef,
  options?: CallOptions,
): Promise<GitHubRepository> {
  const response = await octokit.request('GET /repos/{owner}/{repo}', {
    ...repoParams(repo),
    request: requestOf(options),
  });
  const mapped = toRepository(response.data);
  if (mapped !== null) return mapped;
  const { owner, name } = repositoryParts(repo);
  throw new AppError('github.unavailable', `GitHub answered for ${owner}/${name} without a repository name`);
}

/** `GET /repos/{owner}/{repo}/actions/workflows`. */
export async function listWorkflows(
  octokit: GitHubOctokit,
  repo: RepositoryRef,
  options?: ListOptions,
): Promise<GitHubWorkflow[]> {
  const items = await collectPages(
    octokit,
    {
      route: 'GET /repos/{owner}/{repo}/actions/workflows',
      params: { ...repoParams(repo) },
      itemsKey: 'workflows',
      maxPages: MAX_WORKFLOW_PAGES,
    },
    options,
  );
  return mapItems(items, toWorkflow);
}

/** `GET /repos/{owner}/{repo}/contents/{path}` decoded; null when there is no such file. */
export async function getWorkflowFile(
  octokit: GitHubOctokit,
  repo: RepositoryRef,
  path: string,
  options?: CallOptions,
): Promise<string | null> {
  const encoded = path
    .replace(/^\/+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  const route = `GET /repos/{owner}/{repo}/contents/${encoded}`;
  const params = { ...repoParams(repo), request: requestOf(options) };
  try {
    const decoded = decodeContent((await octokit.request(route, params)).data);
    if (decoded.kind === 'file') return decoded.text;
    if (decoded.kind === 'not_a_file') return null;
    // Over 1 MB the JSON answer holds no content; the raw media type still does.
    const raw = await octokit.request(route, {
      ...params,
      headers: { accept: 'application/vnd.github.raw+json' },
    });
    return rawText(raw.data);
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/** `GET /repos/{owner}/{repo}/actions/runs?status=…`, newest first, at most 1,000 (GitHub's cap). */
export async function listRunsByStatus(
  octokit: GitHubOctokit,
  repo: RepositoryRef,
  status: Exclude<GitHubRunStatus, 'unknown'>,
  options?: ListOptions,
): Promise<GitHubWorkflowRun[]> {
  const items = await collectPages(
    octokit,
    {
      route: 'GET /repos/{owner}/{repo}/actions/runs',
      params: { ...repoParams(repo), status, exclude_pull_requests: true },
      itemsKey: 'workflow_runs',
      maxPages: MAX_FILTERED_RUN_PAGES,
    },
    options,
  );
  return mapItems(items, toWorkflowRun);
}

/** `GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs` of the latest attempt. */
export async function listRunJobs(
  octokit: GitHubOctokit,
  repo: RepositoryRef,
  runId: number,
  options?: ListOptions,
): Promise<GitHubWorkflowJob[]> {
  const items = await collectPages(
    octokit,
    {
      route: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
      params: { ...repoParams(repo), run_id: runId, filter: 'latest' },
      itemsKey: 'jobs',
      maxPages: MAX_JOB_PAGES,
    },
    options,
  );
  return mapItems(items, (item) => toWorkflowJob(item, runId));
}
