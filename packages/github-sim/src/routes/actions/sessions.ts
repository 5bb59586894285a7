import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimContext } from '../../app-context.js';
import { adminScope, bearerOf } from '../../http/actions-hooks.js';
import { ActionsServiceError, unauthorized } from '../../engine/scale-sets/actions-error.js';
import type { QueueAccess } from '../../engine/scale-sets/sessions.js';
import { serializeMessage, serializeSession } from '../../serialize/scale-set.js';
import { idParam, objectBody, scaleSetIdOf, serviceUrlOf } from './params.js';

const BASE = '/runtime/runnerscalesets/:scaleSetId/sessions';

/** The scale set and session a message queue token opens; the path must name that very session (else 401). */
function queueAccess(ctx: SimContext, request: FastifyRequest): QueueAccess {
  const access = ctx.scaleSets.sessions.authenticate(bearerOf(request), scaleSetIdOf(request));
  const { sessionId } = request.params as { sessionId: string };
  if (access.session.id !== sessionId.toLowerCase()) throw unauthorized('The message queue access token');
  return access;
}

function maxCapacityOf(request: FastifyRequest): number | null {
  const header = request.headers['x-scalesetmaxcapacity'];
  const value = Number(Array.isArray(header) ? header[0] : header);
  return header === undefined || !Number.isInteger(value) || value < 0 ? null : value;
}

/** Message sessions and the message queue: create, refresh, delete; the long poll and acknowledgements. */
export function registerSessionRoutes(app: FastifyInstance, ctx: SimContext): void {
  const service = ctx.scaleSets;

  app.post(BASE, async (request, reply) => {
    const scaleSet = service.require(adminScope(ctx, request), scaleSetIdOf(request));
    const owner = objectBody(request).ownerName;
    if (typeof owner !== 'string' || owner.trim() === '')
      throw new ActionsServiceError(400, 'ArgumentException', 'ownerName is required.');
    const session = service.sessions.create(scaleSet, owner);
    return reply.code(200).send(serializeSession(ctx.store, scaleSet, session, serviceUrlOf(ctx, request)));
  });

  app.patch(`${BASE}/:sessionId`, async (request) => {
    const scaleSet = service.require(adminScope(ctx, request), scaleSetIdOf(request));
    const { sessionId } = request.params as { sessionId: string };
    const session = service.sessions.refresh(service.sessions.require(scaleSet, sessionId));
    return serializeSession(ctx.store, scaleSet, session, serviceUrlOf(ctx, request));
  });

  app.delete(`${BASE}/:sessionId`, async (request, reply) => {
    const scaleSet = service.require(adminScope(ctx, request), scaleSetIdOf(request));
    service.sessions.require(scaleSet, (request.params as { sessionId: string }).sessionId);
    service.sessions.end(scaleSet);
    return reply.code(204).send();
  });

  app.get(`${BASE}/:sessionId/messages`, async (request, reply) => {
    const access = queueAccess(ctx, request);
    // The client going away ends the poll, so a message is never counted as handed to nobody.
    const gone = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableEnded) gone.abort();
    });
    const message = await service.sessions.poll(access, maxCapacityOf(request), gone.signal);
    if (!message) return reply.code(202).send();
    return reply.code(200).send(serializeMessage(ctx.store, access.scaleSet, message));
  });

  app.delete(`${BASE}/:sessionId/messages/:messageId`, async (request, reply) => {
    const access = queueAccess(ctx, request);
    const messageId = idParam(
      request,
      'messageId',
      () => new ActionsServiceError(404, 'MessageNotFoundException', 'Message not found.'),
    );
    // Acknowledging twice is harmless: a client retrying after a lost answer must not fail.
    service.queues.ack(access.scaleSet, messageId);
    access.session.lastSeenAt = Date.now();
    return reply.code(204).send();
  });
}
