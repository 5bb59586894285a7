import type { FastifyRequest } from 'fastify';
import type { SimContext } from '../../app-context.js';
import { requireOrgAdmin, requireRepo } from '../../http/access.js';
import type { RunnerScope } from '../../state/types.js';

/** A place runners are registered (a repository or an organization) as the REST routes address it. */
export interface ScopeRoute {
  /** Route prefix: `/repos/:owner/:repo` or `/orgs/:org`. */
  prefix: string;
  /** Word used in GitHub's documentation anchors. */
  noun: 'repository' | 'organization';
  /** Resolves and authorizes the scope of a request (404 / 403 as GitHub answers). */
  resolve(ctx: SimContext, request: FastifyRequest): RunnerScope;
}

/** The two scopes of the runner endpoints. */
export const SCOPE_ROUTES: readonly ScopeRoute[] = [
  {
    prefix: '/repos/:owner/:repo',
    noun: 'repository',
    resolve(ctx, request) {
      const { owner, repo } = request.params as { owner: string; repo: string };
      const found = requireRepo(ctx.store, request, owner, repo, 'admin');
      return { kind: 'repo', owner: found.owner, repo: found.name };
    },
  },
  {
    prefix: '/orgs/:org',
    noun: 'organization',
    resolve(ctx, request) {
      const { org } = request.params as { org: string };
      return { kind: 'org', org: requireOrgAdmin(ctx.store, request, org).login };
    },
  },
];

/** The web URL of a scope (`ORIGIN/OWNER/REPO` or `ORIGIN/ORG`), as `config.sh --url` takes it. */
export function scopeWebUrl(origin: string, scope: RunnerScope): string {
  return scope.kind === 'repo' ? `${origin}/${scope.owner}/${scope.repo}` : `${origin}/${scope.org}`;
}

/**
 * Parses a `config.sh --url` value into a scope: `/OWNER/REPO` or `/ORG`. Enterprise URLs
 * (`/enterprises/NAME`) and anything else give undefined.
 */
export function parseScopeUrl(url: string): RunnerScope | undefined {
  let parts: string[];
  try {
    parts = new URL(url).pathname.split('/').filter(Boolean);
  } catch {
    return undefined;
  }
  const [a, b, extra] = parts;
  if (!a || extra !== undefined || a === 'enterprises') return undefined;
  return b ? { kind: 'repo', owner: a, repo: b.replace(/\.git$/, '') } : { kind: 'org', org: a };
}
