import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../app-context.js';
import { ActionsServiceError, unauthorized } from '../engine/scale-sets/actions-error.js';
import type { RunnerScope } from '../state/types.js';
import { routeKey } from './rest-hooks.js';

/** The bearer token of a request, if any. */
export const bearerOf = (request: FastifyRequest): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];

/** The scope of the admin token (from `actions/runner-registration`) a request carries, or 401. */
export function adminScope(ctx: SimContext, request: FastifyRequest): RunnerScope {
  const issued = ctx.runnerService.validToken(bearerOf(request) ?? '', ['runner-admin']);
  if (!issued) throw unauthorized('The admin token');
  return issued.scope;
}

/** Applies an injected fault whose path matches; true when the connection was dropped. */
async function applyFaults(ctx: SimContext, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const path = request.url.split('?')[0] ?? '/';
  const route = routeKey(request).slice(request.method.length + 1);
  const options = { pathRequired: true };
  const delay = ctx.faults.take(['delay'], request.method, path, route, options);
  if (delay?.kind === 'delay') await sleep(delay.ms);
  const kinds = ['error', 'reset', 'primary-rate-limit', 'secondary-rate-limit'] as const;
  const fault = ctx.faults.take(kinds, request.method, path, route, options);
  if (!fault || fault.kind === 'delay') return false;
  if (fault.kind === 'reset') {
    reply.hijack();
    request.raw.socket.destroy();
    return true;
  }
  if (fault.kind === 'error') {
    throw new ActionsServiceError(
      fault.status ?? 502,
      'InjectedFaultException',
      fault.message ?? 'Server Error',
    );
  }
  // The Actions service throttles with 429 and `Retry-After`, whichever kind of limit was asked for.
  const seconds =
    fault.kind === 'primary-rate-limit' ? (fault.resetInSeconds ?? 60) : fault.retryAfterSeconds;
  if (seconds !== null) void reply.header('retry-after', String(seconds ?? 60));
  throw new ActionsServiceError(
    fault.kind === 'secondary-rate-limit' ? (fault.status ?? 429) : 429,
    'TooManyRequestsException',
    'Request was blocked due to exceeding usage of resource.',
  );
}

/**
 * The hooks and error handling of the Actions service routes: per-route request counts, injected faults
 * (only those whose `match.path` matches), and `{typeName, message}` error bodies.
 */
export function installActionsHooks(app: FastifyInstance, ctx: SimContext): void {
  app.addHook('onRequest', async (request, reply) => {
    ctx.counter.add(routeKey(request), 'total');
    await applyFaults(ctx, request, reply);
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply
      .code(404)
      .send(
        new ActionsServiceError(
          404,
          'NotFoundException',
          `No route for ${request.method} ${request.url.split('?')[0] ?? ''}.`,
        ).body(),
      ),
  );
  app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof ActionsServiceError) return reply.code(error.statusCode).send(error.body());
    if (error.statusCode && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .send(new ActionsServiceError(error.statusCode, 'ArgumentException', error.message).body());
    }
    request.log.error({ err: error }, 'actions service route failed');
    return reply.code(500).send(new ActionsServiceError(500, 'InternalServerError', 'Server Error').body());
  });
}
