import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { SimContext } from '../../app-context.js';
import { DOCS, GitHubApiError } from '../../http/github-error.js';
import { installRestHooks } from '../../http/rest-hooks.js';
import { registerActionsRoutes } from './actions.js';
import { registerAppRoutes } from './apps.js';
import { registerContentsRoutes } from './contents.js';
import { registerRateLimitRoute } from './rate-limit.js';
import { registerRepoRoutes } from './repos.js';
import { registerRunnerRegistrationRoute } from './runner-registration.js';
import { registerRunnerRoutes } from './runners.js';

function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler(async (_request, reply) =>
    reply.code(404).send(new GitHubApiError(404, 'Not Found').body(DOCS)),
  );
  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const docs = request.routeOptions.config.docs ?? DOCS;
    if (error instanceof GitHubApiError) {
      if (error.options.headers) void reply.headers(error.options.headers);
      return reply.code(error.statusCode).send(error.body(docs));
    }
    if (error.statusCode === 400 || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return reply.code(400).send(new GitHubApiError(400, 'Problems parsing JSON').body(docs));
    }
    if (error.statusCode && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .send(new GitHubApiError(error.statusCode, error.message).body(docs));
    }
    request.log.error({ err: error }, 'simulator route failed');
    return reply.code(500).send(new GitHubApiError(500, 'Server Error').body(docs));
  });
}

/** The REST API plugin: registered twice, at the root (api.github.com style) and under `/api/v3` (GHES style). */
export function restApi(ctx: SimContext): FastifyPluginAsync {
  return async (app) => {
    installRestHooks(app, ctx);
    installErrorHandling(app);
    registerRunnerRegistrationRoute(app, ctx);
    registerRunnerRoutes(app, ctx);
    registerRepoRoutes(app, ctx);
    registerActionsRoutes(app, ctx);
    registerContentsRoutes(app, ctx);
    registerRateLimitRoute(app, ctx);
    registerAppRoutes(app, ctx);
  };
}
