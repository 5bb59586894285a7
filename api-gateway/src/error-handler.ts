import { AppError } from '@gha-ephemeral/contract';
import {
  registerErrorHandler as registerSharedErrorHandler,
  sendError,
  type ErrorMappingOptions,
} from '@gha-ephemeral/http-errors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allowedMethods } from './http/allowed-methods.js';

function notFound(request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0] ?? '';
  const allowed = allowedMethods(path);
  if (allowed !== null) {
    void reply.header('allow', allowed.methods.join(', '));
    const hint = allowed.hint === '' ? '' : `; ${allowed.hint}`;
    sendError(
      reply,
      new AppError(
        'request.method_not_allowed',
        `${request.method} is not allowed on ${path}: use ${allowed.methods.join(' or ')}${hint}`,
      ),
    );
    return;
  }
  sendError(
    reply,
    new AppError('request.not_found', `No route ${request.method} ${path}; the API is described at /docs`),
  );
}

/**
 * The gateway's one error handler (shared with the orchestrator), plus its not-found answer: a wrong method on a
 * known path gets 405 with `Allow`, and both pass the rate limit.
 */
export function registerErrorHandler(app: FastifyInstance, mapping: ErrorMappingOptions): void {
  registerSharedErrorHandler(app, mapping);
  app.setNotFoundHandler({ preHandler: app.rateLimit() }, notFound);
}
