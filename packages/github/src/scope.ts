/**
 * Where a runner is registered: one repository, or an organization (any of its repositories may use it).
 */
export type GitHubScope =
  | { readonly kind: 'repository'; readonly owner: string; readonly repo: string }
  | { readonly kind: 'organization'; readonly org: string };

/** `owner/repo` for a repository scope, the organization's name for an organization scope. */
export function scopeTarget(scope: GitHubScope): string {
  return scope.kind === 'repository' ? `${scope.owner}/${scope.repo}` : scope.org;
}

/** The REST path prefix of the scope's runner endpoints. */
export function scopePath(scope: GitHubScope): string {
  return scope.kind === 'repository'
    ? `/repos/${encodeURIComponent(scope.owner)}/${encodeURIComponent(scope.repo)}`
    : `/orgs/${encodeURIComponent(scope.org)}`;
}

/** Builds a scope from the API's `scope` + `target` pair (`target` already validated). */
export function scopeFromTarget(kind: GitHubScope['kind'], target: string): GitHubScope {
  if (kind === 'organization') return { kind, org: target };
  const [owner = '', repo = ''] = target.split('/');
  return { kind, owner, repo };
}

/**
 * The web origin runners register against, derived from the REST base the way the runner derives it the other
 * way round: `https://api.github.com` → `https://github.com`; a GitHub Enterprise Server (or the simulator)
 * `https://HOST/api/v3` → `https://HOST`.
 */
export function webUrlFromApiUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  if (url.hostname.startsWith('api.') && url.hostname.endsWith('.ghe.com')) {
    return `${url.protocol}//${url.hostname.slice('api.'.length)}`;
  }
  return url.origin;
}
