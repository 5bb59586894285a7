import type { FastifyPluginAsync } from 'fastify';
import type { SimContext } from '../../app-context.js';
import { installActionsHooks } from '../../http/actions-hooks.js';
import { registerRunnerGroupRoutes } from './runner-groups.js';
import { registerRunnerRoutes } from './runners.js';
import { registerScaleSetRoutes } from './scale-sets.js';
import { registerSessionRoutes } from './sessions.js';

/**
 * The Actions service's scale-set API, registered under `/_runner/_apis` (the base URL
 * `actions/runner-registration` hands out is `/_runner`). `api-version` is accepted and ignored.
 */
export function actionsService(ctx: SimContext): FastifyPluginAsync {
  return async (app) => {
    installActionsHooks(app, ctx);
    registerRunnerGroupRoutes(app, ctx);
    registerScaleSetRoutes(app, ctx);
    registerSessionRoutes(app, ctx);
    registerRunnerRoutes(app, ctx);
  };
}
