import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimContext } from '../../app-context.js';
import { adminScope } from '../../http/actions-hooks.js';
import { ActionsServiceError } from '../../engine/scale-sets/actions-error.js';
import { DEFAULT_RUNNER_GROUP } from '../../engine/scale-sets/scale-set-service.js';
import type { ScaleSetInput } from '../../engine/scale-sets/scale-set-service.js';
import { serializeScaleSet } from '../../serialize/scale-set.js';
import { objectBody, scaleSetIdOf, serviceUrlOf } from './params.js';

const BASE = '/runtime/runnerscalesets';

const invalid = (message: string): ActionsServiceError =>
  new ActionsServiceError(400, 'ArgumentException', message);

function parseLabels(value: unknown): ScaleSetInput['labels'] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid('labels must be a list of {name, type}.');
  return value.map((l: unknown) => {
    const label = (typeof l === 'object' && l !== null ? l : {}) as { name?: unknown; type?: unknown };
    if (typeof label.name !== 'string' || label.name.trim() === '')
      throw invalid('Every label needs a name.');
    return { name: label.name.trim(), type: typeof label.type === 'string' ? label.type : 'System' };
  });
}

/** Parses a create (every field) or update (`partial`) body; the group must be the one that exists. */
function parseScaleSet(request: FastifyRequest, partial: boolean): Partial<ScaleSetInput> {
  const body = objectBody(request);
  const { name, runnerGroupId: group } = body;
  if (name !== undefined || !partial) {
    if (typeof name !== 'string' || name.trim() === '') throw invalid('The runner scale set needs a name.');
  }
  if (group !== undefined && group !== null && !Number.isInteger(group))
    throw invalid('runnerGroupId must be an integer.');
  const groupId = typeof group === 'number' && group !== 0 ? group : undefined;
  if (groupId !== undefined && groupId !== DEFAULT_RUNNER_GROUP.id) {
    throw new ActionsServiceError(404, 'RunnerGroupNotFoundException', `Runner group ${groupId} not found.`);
  }
  const setting = body.RunnerSetting as { disableUpdate?: unknown } | undefined;
  const labels = parseLabels(body.labels);
  return {
    ...(typeof name === 'string' ? { name: name.trim() } : {}),
    ...(groupId !== undefined || !partial ? { runnerGroupId: DEFAULT_RUNNER_GROUP.id } : {}),
    ...(labels ? { labels } : partial ? {} : { labels: [] }),
    ...(typeof setting?.disableUpdate === 'boolean' || !partial
      ? { disableUpdate: setting?.disableUpdate === true }
      : {}),
  };
}

/** Runner scale sets: list (by group and name), create, get, update, delete. */
export function registerScaleSetRoutes(app: FastifyInstance, ctx: SimContext): void {
  const service = ctx.scaleSets;

  app.get(BASE, async (request) => {
    const scope = adminScope(ctx, request);
    const q = request.query as { runnerGroupId?: string; name?: string };
    const group = q.runnerGroupId === undefined ? undefined : Number(q.runnerGroupId);
    const value = service
      .listIn(scope)
      .filter((s) => group === undefined || s.runnerGroupId === group)
      .filter((s) => q.name === undefined || s.name.toLowerCase() === q.name.toLowerCase())
      .map((s) => serializeScaleSet(ctx.store, s));
    return { count: value.length, value };
  });

  app.post(BASE, async (request, reply) => {
    const scope = adminScope(ctx, request);
    const input = parseScaleSet(request, false) as ScaleSetInput;
    const created = service.create(scope, input, serviceUrlOf(ctx, request));
    return reply.code(200).send(serializeScaleSet(ctx.store, created));
  });

  app.get(`${BASE}/:scaleSetId`, async (request) => {
    const scaleSet = service.require(adminScope(ctx, request), scaleSetIdOf(request));
    return serializeScaleSet(ctx.store, scaleSet);
  });

  app.patch(`${BASE}/:scaleSetId`, async (request) => {
    const scaleSet = service.require(adminScope(ctx, request), scaleSetIdOf(request));
    return serializeScaleSet(ctx.store, service.update(scaleSet, parseScaleSet(request, true)));
  });

  app.delete(`${BASE}/:scaleSetId`, async (request, reply) => {
    service.delete(service.require(adminScope(ctx, request), scaleSetIdOf(request)));
    return reply.code(204).send();
  });
}
