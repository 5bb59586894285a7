import { AppError } from '@gha-ephemeral/contract';
import {
  registerErrorHandler as registerSharedErrorHandler,
  sendError,
  type ErrorMappingOptions,
} from '@gha-ephemeral/http-errors';
import type { FastifyInstance } from 'fastify';

/**
 * The service's one error handler (shared with the gateway, see `@gha-ephemeral/http-errors`): every error becomes
 * JSON `{code, message}`, 5xx logged with their cause. The orchestrator's extras: a full capacity says when to
 * retry, and an unknown route points to the gateway's API document.
 */
export function registerErrorHandler(app: FastifyInstance, mapping: ErrorMappingOptions): void {
  registerSharedErrorHandler(app, {
    ...mapping,
    beforeSend: (error, reply) => {
      if (error.code === 'runner.capacity_reached') void reply.header('retry-after', '30');
    },
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    sendError(
      reply,
      new AppError(
        'request.not_found',
        `No route ${request.method} ${path}; see /openapi.json on the gateway for the API`,
      ),
    );
  });
}
