import type { FastifyInstance } from 'fastify';
import type { SimContext } from '../../app-context.js';
import { tokenOf } from '../../http/access.js';
import { currentRate } from '../../http/rest-hooks.js';

/** `GET /rate_limit`; it does not count against the limit, as on GitHub. */
export function registerRateLimitRoute(app: FastifyInstance, _ctx: SimContext): void {
  app.get(
    '/rate_limit',
    {
      config: {
        docs: 'https://docs.github.com/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user',
      },
    },
    async (request) => {
      const rate = currentRate(tokenOf(request));
      const reset = Math.ceil(rate.resetAt / 1000);
      const core = {
        limit: rate.limit,
        used: rate.used,
        remaining: Math.max(0, rate.limit - rate.used),
        reset,
        resource: 'core',
      };
      const other = (resource: string, limit: number): Record<string, unknown> => ({
        limit,
        used: 0,
        remaining: limit,
        reset,
        resource,
      });
      return {
        resources: {
          core,
          search: other('search', 30),
          graphql: other('graphql', 5000),
          integration_manifest: other('integration_manifest', 5000),
          code_search: other('code_search', 10),
          actions_runner_registration: other('actions_runner_registration', 10000),
        },
        rate: core,
      };
    },
  );
}
