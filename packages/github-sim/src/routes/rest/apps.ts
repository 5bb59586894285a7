import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimContext } from '../../app-context.js';
import type { SimApp, SimInstallation } from '../../apps/app-registry.js';
import { GitHubApiError, invalidRequest, notFound } from '../../http/github-error.js';
import { paginate } from '../../http/pagination.js';
import { urlsFor } from '../../http/urls.js';
import type { Urls } from '../../http/urls.js';
import { randomToken } from '../../state/ids.js';
import { serializeRepo } from '../../serialize/repository.js';
import { serializeUser } from '../../serialize/user.js';

const DOCS = 'https://docs.github.com/rest/apps/apps';
const HOUR_MS = 3_600_000;

function appOf(request: FastifyRequest): SimApp {
  const app = request.simApp;
  if (!app) throw new GitHubApiError(401, 'A JSON web token could not be decoded');
  return app;
}

function serializeInstallation(
  ctx: SimContext,
  app: SimApp,
  inst: SimInstallation,
  urls: Urls,
): Record<string, unknown> {
  const account = ctx.store.ensureAccount(inst.account, 'Organization');
  return {
    id: inst.id,
    client_id: app.clientId,
    account: serializeUser(account, urls),
    repository_selection: inst.repositories ? 'selected' : 'all',
    access_tokens_url: `${urls.api}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${urls.web}/organizations/${account.login}/settings/installations/${inst.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: account.id,
    target_type: account.type === 'Organization' ? 'Organization' : 'User',
    permissions: inst.permissions,
    events: ['workflow_job'],
    created_at: inst.createdAt,
    updated_at: inst.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

function installationOf(request: FastifyRequest): SimInstallation {
  const inst = appOf(request).installations.get(
    Number((request.params as { installation_id: string }).installation_id),
  );
  if (!inst) throw notFound();
  return inst;
}

/** GitHub App endpoints authenticated by the App's JWT: installations and installation access tokens. */
export function registerAppRoutes(app: FastifyInstance, ctx: SimContext): void {
  const cfg = (anchor: string): { config: { auth: 'app'; docs: string } } => ({
    config: { auth: 'app', docs: `${DOCS}#${anchor}` },
  });

  app.get(
    '/app/installations',
    cfg('list-installations-for-the-authenticated-app'),
    async (request, reply) => {
      const self = appOf(request);
      const urls = urlsFor(request, ctx.publicUrl);
      const all = [...self.installations.values()].sort((a, b) => a.id - b.id);
      return paginate(
        request,
        reply,
        all.map((i) => serializeInstallation(ctx, self, i, urls)),
      );
    },
  );

  app.get(
    '/app/installations/:installation_id',
    cfg('get-an-installation-for-the-authenticated-app'),
    async (request) =>
      serializeInstallation(ctx, appOf(request), installationOf(request), urlsFor(request, ctx.publicUrl)),
  );

  app.post(
    '/app/installations/:installation_id/access_tokens',
    cfg('create-an-installation-access-token-for-an-app'),
    async (request, reply) => {
      const self = appOf(request);
      const inst = installationOf(request);
      const body = (request.body ?? {}) as { repositories?: unknown };
      let repositories = inst.repositories;
      if (body.repositories !== undefined) {
        if (!Array.isArray(body.repositories) || !body.repositories.every((r) => typeof r === 'string'))
          throw invalidRequest('"repositories" is not an array of strings.');
        const allowed = [...ctx.store.repos.values()]
          .filter((r) => ctx.apps.covers(inst, r))
          .map((r) => r.name.toLowerCase());
        const unknown = body.repositories.filter((r) => !allowed.includes(r.toLowerCase()));
        if (unknown.length > 0)
          throw new GitHubApiError(
            422,
            'There is at least one repository that does not exist or is not accessible to the parent installation.',
          );
        repositories = body.repositories;
      }
      const token = `ghs_${randomToken('').slice(0, 28)}${randomToken('').slice(0, 8)}`;
      const issuedAt = Date.now();
      // `expires_at` has whole seconds: rounded up, the token lives at least its lifetime and stops exactly then.
      const expiresAt = Math.ceil((issuedAt + self.tokenLifetimeSeconds * 1000) / 1000) * 1000;
      ctx.store.tokens.set(token, {
        token,
        login: `${self.slug}[bot]`,
        scopes: undefined,
        installation: { account: inst.account, repositories },
        rate: { limit: ctx.store.settings.rateLimit, used: 0, resetAt: issuedAt + HOUR_MS },
        expiresAt,
        minted: { appId: self.id, installationId: inst.id, issuedAt, accepted: 0, refusedExpired: 0 },
      });
      const urls = urlsFor(request, ctx.publicUrl);
      const selected = repositories
        ? [...ctx.store.repos.values()].filter((r) => ctx.apps.covers({ ...inst, repositories }, r))
        : undefined;
      return reply.code(201).send({
        token,
        expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        permissions: inst.permissions,
        repository_selection: repositories ? 'selected' : 'all',
        ...(selected
          ? {
              repositories: selected.map((r) =>
                serializeRepo(r, ctx.store.ensureAccount(r.owner, 'User'), urls, undefined),
              ),
            }
          : {}),
      });
    },
  );

  app.get(
    '/repos/:owner/:repo/installation',
    cfg('get-a-repository-installation-for-the-authenticated-app'),
    async (request) => {
      const self = appOf(request);
      const { owner, repo } = request.params as { owner: string; repo: string };
      const found = ctx.store.repo(owner, repo);
      const inst = found
        ? [...self.installations.values()].find((i) => ctx.apps.covers(i, found))
        : undefined;
      if (!inst) throw notFound();
      return serializeInstallation(ctx, self, inst, urlsFor(request, ctx.publicUrl));
    },
  );

  app.get(
    '/orgs/:org/installation',
    cfg('get-an-organization-installation-for-the-authenticated-app'),
    async (request) => {
      const self = appOf(request);
      const { org } = request.params as { org: string };
      const inst = [...self.installations.values()].find(
        (i) => i.account.toLowerCase() === org.toLowerCase(),
      );
      if (!inst) throw notFound();
      return serializeInstallation(ctx, self, inst, urlsFor(request, ctx.publicUrl));
    },
  );
}
