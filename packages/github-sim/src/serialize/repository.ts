import { nodeId } from '../state/ids.js';
import type { SimAccount, SimRepo } from '../state/types.js';
import type { Urls } from '../http/urls.js';
import { serializeUser } from './user.js';

function repoUrls(full: string, urls: Urls): Record<string, string> {
  const a = `${urls.api}/repos/${full}`;
  const host = new URL(urls.web).host;
  return {
    url: a,
    html_url: `${urls.web}/${full}`,
    forks_url: `${a}/forks`,
    keys_url: `${a}/keys{/key_id}`,
    collaborators_url: `${a}/collaborators{/collaborator}`,
    teams_url: `${a}/teams`,
    hooks_url: `${a}/hooks`,
    issue_events_url: `${a}/issues/events{/number}`,
    events_url: `${a}/events`,
    assignees_url: `${a}/assignees{/user}`,
    branches_url: `${a}/branches{/branch}`,
    tags_url: `${a}/tags`,
    blobs_url: `${a}/git/blobs{/sha}`,
    git_tags_url: `${a}/git/tags{/sha}`,
    git_refs_url: `${a}/git/refs{/sha}`,
    trees_url: `${a}/git/trees{/sha}`,
    statuses_url: `${a}/statuses/{sha}`,
    languages_url: `${a}/languages`,
    stargazers_url: `${a}/stargazers`,
    contributors_url: `${a}/contributors`,
    subscribers_url: `${a}/subscribers`,
    subscription_url: `${a}/subscription`,
    commits_url: `${a}/commits{/sha}`,
    git_commits_url: `${a}/git/commits{/sha}`,
    comments_url: `${a}/comments{/number}`,
    issue_comment_url: `${a}/issues/comments{/number}`,
    contents_url: `${a}/contents/{+path}`,
    compare_url: `${a}/compare/{base}...{head}`,
    merges_url: `${a}/merges`,
    archive_url: `${a}/{archive_format}{/ref}`,
    downloads_url: `${a}/downloads`,
    issues_url: `${a}/issues{/number}`,
    pulls_url: `${a}/pulls{/number}`,
    milestones_url: `${a}/milestones{/number}`,
    notifications_url: `${a}/notifications{?since,all,participating}`,
    labels_url: `${a}/labels{/name}`,
    releases_url: `${a}/releases{/id}`,
    deployments_url: `${a}/deployments`,
    git_url: `git://${host}/${full}.git`,
    ssh_url: `git@${host}:${full}.git`,
    clone_url: `${urls.web}/${full}.git`,
    svn_url: `${urls.web}/${full}`,
  };
}

/**
 * A repository object with every field of GitHub's `repository` schema (a superset of `minimal-repository`);
 * `full` adds what `GET /repos/{owner}/{repo}` returns on top (`full-repository`).
 */
export function serializeRepo(
  repo: SimRepo,
  owner: SimAccount,
  urls: Urls,
  permissions: Record<string, boolean> | undefined,
  full = false,
): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`;
  const user = serializeUser(owner, urls);
  const body: Record<string, unknown> = {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: fullName,
    private: repo.private,
    owner: user,
    description: repo.description,
    fork: false,
    ...repoUrls(fullName, urls),
    mirror_url: null,
    homepage: null,
    language: null,
    created_at: repo.createdAt,
    updated_at: repo.updatedAt,
    pushed_at: repo.updatedAt,
    size: repo.files.size,
    stargazers_count: 0,
    watchers_count: 0,
    forks_count: 0,
    open_issues_count: 0,
    forks: 0,
    open_issues: 0,
    watchers: 0,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    archived: repo.archived,
    disabled: repo.disabled,
    visibility: repo.private ? 'private' : 'public',
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    default_branch: repo.defaultBranch,
    ...(permissions ? { permissions } : {}),
  };
  if (!full) return body;
  return {
    ...body,
    temp_clone_token: null,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_rebase_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    allow_update_branch: false,
    use_squash_pr_title_as_default: false,
    squash_merge_commit_title: 'COMMIT_OR_PR_TITLE',
    squash_merge_commit_message: 'COMMIT_MESSAGES',
    merge_commit_title: 'MERGE_MESSAGE',
    merge_commit_message: 'PR_TITLE',
    ...(owner.type === 'Organization' ? { organization: user } : {}),
    network_count: 0,
    subscribers_count: 0,
  };
}
