import { nodeId } from '../state/ids.js';
import type { SimStore } from '../state/store.js';
import type { SimAccount, SimJob, SimRepo } from '../state/types.js';
import type { Urls } from '../http/urls.js';
import { serializeJob } from '../serialize/actions.js';
import { serializeRepo } from '../serialize/repository.js';
import { serializeUser } from '../serialize/user.js';

/** The `organization` object of a webhook payload. */
export function serializeOrgForWebhook(org: SimAccount, urls: Urls): Record<string, unknown> {
  const api = `${urls.api}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: nodeId('Organization', org.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `${urls.web}/avatars/u/${org.id}?v=4`,
    description: null,
  };
}

/** The fields every repository event carries: `repository`, `organization` (when an org owns it), `sender`. */
export function repoContext(store: SimStore, repo: SimRepo, urls: Urls): Record<string, unknown> {
  const owner = store.ensureAccount(repo.owner, 'User');
  const sender = store.account(repo.owner) ?? owner;
  return {
    repository: serializeRepo(repo, owner, urls, undefined),
    ...(owner.type === 'Organization' ? { organization: serializeOrgForWebhook(owner, urls) } : {}),
    sender: serializeUser(sender, urls),
  };
}

/** A `workflow_job` event payload. */
export function workflowJobPayload(
  store: SimStore,
  action: string,
  job: SimJob,
  urls: Urls,
): Record<string, unknown> | undefined {
  const repo = store.repoById(job.repoId);
  if (!repo) return undefined;
  return { action, workflow_job: serializeJob(store, repo, job, urls), ...repoContext(store, repo, urls) };
}
