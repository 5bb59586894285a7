import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimContext } from '../../app-context.js';
import { hasRepoAccess, permissionsFor, requireOrg, requireRepo, tokenOf } from '../../http/access.js';
import { forbidden, notFound } from '../../http/github-error.js';
import { paginate } from '../../http/pagination.js';
import { urlsFor } from '../../http/urls.js';
import type { SimRepo } from '../../state/types.js';
import { serializeRepo } from '../../serialize/repository.js';

type Query = Record<string, string | undefined>;

function sortRepos(repos: SimRepo[], sort: string, direction: string | undefined): SimRepo[] {
  const byName = (r: SimRepo): string => `${r.owner}/${r.name}`.toLowerCase();
  const dir = direction ?? (sort === 'full_name' ? 'asc' : 'desc');
  const sorted = [...repos].sort((a, b) => {
    if (sort === 'full_name') return byName(a).localeCompare(byName(b));
    const field = sort === 'created' ? 'createdAt' : 'updatedAt';
    return a[field].localeCompare(b[field]) || a.id - b.id;
  });
  return dir === 'desc' ? sorted.reverse() : sorted;
}

function byVisibility(repos: SimRepo[], type: string | undefined): SimRepo[] {
  if (type === 'public') return repos.filter((r) => !r.private);
  if (type === 'private') return repos.filter((r) => r.private);
  return repos;
}

/** Discovery endpoints: the repositories a token can see. */
export function registerRepoRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { store } = ctx;
  const list = (request: FastifyRequest, repos: SimRepo[]): Record<string, unknown>[] => {
    const urls = urlsFor(request, ctx.publicUrl);
    const token = tokenOf(request);
    return repos.map((r) =>
      serializeRepo(r, store.ensureAccount(r.owner, 'User'), urls, permissionsFor(store, token, r)),
    );
  };

  app.get(
    '/user/repos',
    {
      config: {
        docs: 'https://docs.github.com/rest/repos/repos#list-repositories-for-the-authenticated-user',
      },
    },
    async (request, reply) => {
      const token = tokenOf(request);
      if (token.installation) throw forbidden('Resource not accessible by integration');
      const q = request.query as Query;
      const login = token.login.toLowerCase();
      let repos = [...store.repos.values()].filter((r) => hasRepoAccess(store, token, r));
      if (q['type'] === 'owner') repos = repos.filter((r) => r.owner.toLowerCase() === login);
      if (q['type'] === 'member') repos = repos.filter((r) => r.owner.toLowerCase() !== login);
      repos = byVisibility(repos, q['visibility'] ?? q['type']);
      return paginate(
        request,
        reply,
        list(request, sortRepos(repos, q['sort'] ?? 'full_name', q['direction'])),
      );
    },
  );

  app.get(
    '/orgs/:org/repos',
    { config: { docs: 'https://docs.github.com/rest/repos/repos#list-organization-repositories' } },
    async (request, reply) => {
      const token = tokenOf(request);
      const org = requireOrg(store, (request.params as { org: string }).org);
      const q = request.query as Query;
      const repos = [...store.repos.values()].filter(
        (r) =>
          r.owner.toLowerCase() === org.login.toLowerCase() && (!r.private || hasRepoAccess(store, token, r)),
      );
      return paginate(
        request,
        reply,
        list(request, sortRepos(byVisibility(repos, q['type']), q['sort'] ?? 'created', q['direction'])),
      );
    },
  );

  app.get(
    '/installation/repositories',
    {
      config: {
        docs: 'https://docs.github.com/rest/apps/installations#list-repositories-accessible-to-the-app-installation',
      },
    },
    async (request, reply) => {
      const token = tokenOf(request);
      if (!token.installation) {
        throw forbidden(
          'You must authenticate with an installation access token in order to list repositories for an installation.',
        );
      }
      const repos = sortRepos(
        [...store.repos.values()].filter((r) => hasRepoAccess(store, token, r)),
        'full_name',
        'asc',
      );
      const page = paginate(request, reply, list(request, repos));
      return {
        total_count: repos.length,
        repository_selection: token.installation.repositories ? 'selected' : 'all',
        repositories: page,
      };
    },
  );

  app.get(
    '/repos/:owner/:repo',
    { config: { docs: 'https://docs.github.com/rest/repos/repos#get-a-repository' } },
    async (request) => {
      const { owner, repo: name } = request.params as { owner: string; repo: string };
      const token = tokenOf(request);
      const repo = store.repo(owner, name);
      // A disabled repository still describes itself (with `disabled: true`); only its contents are blocked.
      if (!repo || (repo.private && !hasRepoAccess(store, token, repo))) throw notFound();
      if (!repo.disabled) requireRepo(store, request, owner, name, 'read');
      const urls = urlsFor(request, ctx.publicUrl);
      return serializeRepo(
        repo,
        store.ensureAccount(repo.owner, 'User'),
        urls,
        permissionsFor(store, token, repo),
        true,
      );
    },
  );
}
