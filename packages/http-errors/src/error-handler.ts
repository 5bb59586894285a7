import { AppError, isAppError, type ErrorBody } from '@gha-ephemeral/contract';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fromFastifyError } from './from-fastify-error.js';

/** How a service's errors are mapped. */
export interface ErrorMappingOptions {
  /** The service, named in the message of an unexpected error: "the <service> log has the details". */
  service: string;
  /** The app's `bodyLimit` in bytes, named when a body is too large. */
  bodyLimit: number;
}

/** Options of {@link registerErrorHandler}. */
export interface ErrorHandlerOptions extends ErrorMappingOptions {
  /** A service's extras on an error reply (a `Retry-After`), called just before it is sent. */
  beforeSend?: (error: AppError, reply: FastifyReply) => void;
}

/**
 * Any error as the `AppError` the client gets: an `AppError` as it is, Fastify's own errors as catalogue codes,
 * anything else as `internal`, with the error kept as the cause (logged, never sent).
 */
export function toAppError(error: unknown, options: ErrorMappingOptions): AppError {
  if (isAppError(error)) return error;
  const mapped = error instanceof Error ? fromFastifyError(error, options.bodyLimit) : null;
  return (
    mapped ??
    new AppError('internal', `Internal error; the ${options.service} log has the details`, { cause: error })
  );
}

/** Sends `error` as the product's error JSON `{code, message, details?}`. */
export function sendError(reply: FastifyReply, error: AppError): void {
  const body: ErrorBody = {
    code: error.code,
    message: error.message,
    ...(error.details === undefined ? {} : { details: error.details }),
  };
  void reply.status(error.statusCode).send(body);
}

/**
 * Fastify's `frameworkErrors`: errors met before routing (a malformed URL, an overlong path parameter), which
 * would otherwise get Fastify's own JSON shape instead of ours.
 */
export function frameworkErrorHandler(
  options: ErrorMappingOptions,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, _request, reply) => {
    sendError(
      reply,
      fromFastifyError(error, options.bodyLimit) ??
        new AppError('request.invalid', 'The request is malformed'),
    );
  };
}

/**
 * A service's one error handler: every error becomes JSON `{code, message, details?}`. 5xx are logged with their
 * cause; the client gets only the message, which never holds a secret, a header or an upstream body. Not-found
 * answers stay with each service.
 */
export function registerErrorHandler(app: FastifyInstance, options: ErrorHandlerOptions): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error, options);
    if (appError.statusCode >= 500) {
      request.log.error({ category: 'ERROR', err: appError, url: request.url }, 'request failed');
    } else {
      request.log.debug({ code: appError.code, url: request.url }, 'request refused');
    }
    options.beforeSend?.(appError, reply);
    sendError(reply, appError);
  });
}
