import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimContext } from '../../app-context.js';
import { adminScope } from '../../http/actions-hooks.js';
import { DEFAULT_RUNNER_GROUP } from '../../engine/scale-sets/scale-set-service.js';

/** `GET _apis/runtime/runnergroups/?groupName=X`: the one runner group, `Default` (id 1), by name. */
export function registerRunnerGroupRoutes(app: FastifyInstance, ctx: SimContext): void {
  const handler = async (request: FastifyRequest): Promise<unknown> => {
    const scope = adminScope(ctx, request);
    const name = (request.query as { groupName?: string }).groupName;
    const group = {
      id: DEFAULT_RUNNER_GROUP.id,
      name: DEFAULT_RUNNER_GROUP.name,
      size: ctx.store.runnersIn(scope).length,
      isDefaultGroup: true,
    };
    const value = !name || name.toLowerCase() === group.name.toLowerCase() ? [group] : [];
    return { count: value.length, value };
  };
  // The Go client asks with a trailing slash; both spellings answer.
  app.get('/runtime/runnergroups/', handler);
  app.get('/runtime/runnergroups', handler);
}
