import type { FastifyInstance, FastifyRequest } from 'fastify';
import { encodeJitConfig } from '@gha-ephemeral/stand-in-runner';
import type { SimContext } from '../../app-context.js';
import { adminScope, bearerOf } from '../../http/actions-hooks.js';
import { originOf } from '../../http/urls.js';
import { ActionsServiceError } from '../../engine/scale-sets/actions-error.js';
import type { SimScaleSet } from '../../state/scale-set-types.js';
import { serializeAgent } from '../../serialize/scale-set.js';
import { scopeWebUrl } from '../rest/runner-scope.js';
import { idParam, objectBody, scaleSetIdOf, serviceUrlOf } from './params.js';

const BASE = '/runtime/runnerscalesets/:scaleSetId';
const AGENTS = '/distributedtask/pools/:poolId/agents';

const agentNotFound = (id: string): ActionsServiceError =>
  new ActionsServiceError(404, 'AgentNotFoundException', `No agent found with identifier ${id}.`);

/** `acquirejobs` takes the session's message queue token (as GitHub's client sends it) or the admin token. */
function acquiringScaleSet(ctx: SimContext, request: FastifyRequest): SimScaleSet {
  const id = scaleSetIdOf(request);
  const token = bearerOf(request);
  const viaQueue = [...ctx.store.scaleSets.values()].some((s) => s.session?.queueToken === token);
  if (viaQueue) return ctx.scaleSets.sessions.authenticate(token, id).scaleSet;
  return ctx.scaleSets.require(adminScope(ctx, request), id);
}

function parseRequestIds(body: unknown): number[] {
  if (!Array.isArray(body) || !body.every((v) => Number.isInteger(v)))
    throw new ActionsServiceError(
      400,
      'ArgumentException',
      'The body must be a JSON array of runnerRequestIds.',
    );
  return body as number[];
}

/** JIT runners of a scale set, job acquisition, and the runner (agent) calls. */
export function registerRunnerRoutes(app: FastifyInstance, ctx: SimContext): void {
  const service = ctx.scaleSets;

  app.post(`${BASE}/generatejitconfig`, async (request, reply) => {
    const scaleSet = service.require(adminScope(ctx, request), scaleSetIdOf(request));
    const body = objectBody(request);
    if (typeof body.name !== 'string' || body.name.trim() === '')
      throw new ActionsServiceError(400, 'ArgumentException', 'name is required.');
    const workFolder = typeof body.workFolder === 'string' && body.workFolder ? body.workFolder : '_work';
    const runner = service.addJitRunner(scaleSet, body.name, workFolder);
    const origin = originOf(request, ctx.publicUrl);
    const credentials = ctx.runnerService.credentialsOf(
      runner,
      serviceUrlOf(ctx, request),
      scopeWebUrl(origin, scaleSet.scope),
    );
    return reply.code(200).send({
      runner: { id: runner.id, name: runner.name, runnerScaleSetId: scaleSet.id },
      encodedJITConfig: encodeJitConfig(credentials),
    });
  });

  app.post(`${BASE}/acquirejobs`, async (request) => {
    const scaleSet = acquiringScaleSet(ctx, request);
    const value = service.acquire(scaleSet, parseRequestIds(request.body));
    return { count: value.length, value };
  });

  app.get(AGENTS, async (request) => {
    const scope = adminScope(ctx, request);
    const name = (request.query as { agentName?: string }).agentName;
    const value = ctx.store
      .runnersIn(scope)
      .filter((r) => name === undefined || r.name.toLowerCase() === name.toLowerCase())
      .map((r) => serializeAgent(ctx.store, r));
    return { count: value.length, value };
  });

  app.get(`${AGENTS}/:agentId`, async (request) => {
    const scope = adminScope(ctx, request);
    const id = idParam(request, 'agentId', () =>
      agentNotFound((request.params as { agentId: string }).agentId),
    );
    return serializeAgent(ctx.store, service.requireAgent(scope, id));
  });

  app.delete(`${AGENTS}/:agentId`, async (request, reply) => {
    const scope = adminScope(ctx, request);
    const id = idParam(request, 'agentId', () =>
      agentNotFound((request.params as { agentId: string }).agentId),
    );
    service.removeAgent(service.requireAgent(scope, id));
    return reply.code(204).send();
  });
}
