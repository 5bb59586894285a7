import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { SimContext } from './app-context.js';
import type { SimControl } from './control/sim-control.js';
import { registerControlRoutes } from './routes/control-routes.js';
import { restApi } from './routes/rest/index.js';
import { registerRunnerServiceRoutes } from './routes/runner-service.js';
import { actionsService } from './routes/actions/index.js';

/** Options of {@link buildSimApp}. */
export interface BuildSimAppOptions {
  logger?: FastifyServerOptions['logger'];
  /** Certificate and key (PEM): the app then serves HTTPS. */
  https?: { cert: string; key: string };
}

/**
 * Wires the simulator's HTTP surface: the REST API at `/` and `/api/v3`, the runner service at `/_runner`,
 * the Actions service's scale-set API at `/_runner/_apis` and the control API at `/_sim`. Never listens.
 */
export function buildSimApp(
  ctx: SimContext,
  control: SimControl,
  options: BuildSimAppOptions = {},
): FastifyInstance {
  // Fastify types an HTTPS instance apart; the routes use nothing that differs between the two.
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: false,
    forceCloseConnections: true,
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;
  // Octokit sends some POSTs with no body at all; GitHub accepts them, so an empty JSON body is no body.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(Object.assign(new Error('Problems parsing JSON'), { statusCode: 400 }), undefined);
    }
  });
  void app.register(restApi(ctx));
  void app.register(restApi(ctx), { prefix: '/api/v3' });
  void app.register(async (scope) => registerRunnerServiceRoutes(scope, ctx));
  void app.register(actionsService(ctx), { prefix: '/_runner/_apis' });
  void app.register(async (scope) => registerControlRoutes(scope, control));
  return app;
}
