import type { FastifyRequest } from 'fastify';
import type { SimStore } from '../state/store.js';
import type { SimAccount, SimRepo, SimToken } from '../state/types.js';
import { GitHubApiError, forbidden, notFound } from './github-error.js';

/** The token a REST request authenticated with (set by the auth hook; routes with `auth: 'none'` have none). */
export function tokenOf(request: FastifyRequest): SimToken {
  const token = request.simToken;
  if (!token) throw new GitHubApiError(401, 'Requires authentication');
  return token;
}

const lower = (s: string): string => s.toLowerCase();

/** Whether the token's user (or installation) has access to a repository beyond public reading. */
export function hasRepoAccess(store: SimStore, token: SimToken, repo: SimRepo): boolean {
  if (token.installation) {
    if (lower(token.installation.account) !== lower(repo.owner)) return false;
    const list = token.installation.repositories;
    return (
      !list ||
      list.some((r) => lower(r) === lower(repo.name) || lower(r) === lower(`${repo.owner}/${repo.name}`))
    );
  }
  if (lower(repo.owner) === lower(token.login)) return true;
  const owner = store.account(repo.owner);
  return owner?.type === 'Organization' && owner.members.has(lower(token.login));
}

/** Whether the token may administer an organization (its user is a member, or it is an installation on it). */
export function hasOrgAccess(token: SimToken, org: SimAccount): boolean {
  if (token.installation) return lower(token.installation.account) === lower(org.login);
  return org.members.has(lower(token.login));
}

function hasScope(token: SimToken, ...wanted: string[]): boolean {
  return token.scopes === undefined || wanted.some((s) => token.scopes?.includes(s));
}

/** What a route needs on a repository. */
export type RepoNeed = 'read' | 'admin';

/**
 * Resolves `owner/repo` for a request. Like GitHub: a repository the token cannot see is 404 (never 403);
 * a disabled one is 403 `Repository access blocked`; writes to an archived one are 403; administration
 * without access (a public repository) or without the `repo` scope is 403.
 */
export function requireRepo(
  store: SimStore,
  request: FastifyRequest,
  owner: string,
  name: string,
  need: RepoNeed,
): SimRepo {
  const token = tokenOf(request);
  const repo = store.repo(owner, name);
  if (!repo) throw notFound();
  const access = hasRepoAccess(store, token, repo);
  if (!access && repo.private) throw notFound();
  if (repo.disabled) throw forbidden('Repository access blocked');
  if (need === 'admin') {
    if (!access || !hasScope(token, 'repo')) {
      throw forbidden('Must have admin rights to Repository.', { 'x-accepted-oauth-scopes': 'repo' });
    }
    if (repo.archived && request.method !== 'GET')
      throw forbidden('Repository was archived so is read-only.');
  }
  return repo;
}

/** Resolves an organization for runner administration: unknown or not a member is 404; a missing scope is 403. */
export function requireOrgAdmin(store: SimStore, request: FastifyRequest, org: string): SimAccount {
  const token = tokenOf(request);
  const account = store.account(org);
  if (account?.type !== 'Organization' || !hasOrgAccess(token, account)) throw notFound();
  if (!hasScope(token, 'admin:org', 'manage_runners:org')) {
    throw forbidden('You must be an org admin or have the admin:org scope to do this.', {
      'x-accepted-oauth-scopes': 'admin:org',
    });
  }
  return account;
}

/** Resolves an organization for reading (its repositories): unknown is 404. */
export function requireOrg(store: SimStore, org: string): SimAccount {
  const account = store.account(org);
  if (account?.type !== 'Organization') throw notFound();
  return account;
}

/** Repository permissions of the token, as `permissions` in repository objects. */
export function permissionsFor(
  store: SimStore,
  token: SimToken | undefined,
  repo: SimRepo,
): Record<string, boolean> {
  const full = token ? hasRepoAccess(store, token, repo) : false;
  return { admin: full, maintain: full, push: full, triage: full, pull: true };
}
