import { AppError, isAppError, type ErrorBody } from '@gha-ephemeral/contract';
import type { FastifyError, FastifyInstance } from 'fastify';

/** Fastify's own errors, mapped to our stable codes with messages a client can act on. */
function fromFastifyError(error: FastifyError): AppError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(
        'request.unsupported_media_type',
        'Send the body as JSON with "Content-Type: application/json"',
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('request.too_large', 'The request body is too large');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('request.invalid_json', 'The body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('request.invalid_json', `The body is not valid JSON: ${error.message}`);
    default:
      break;
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return new AppError('request.invalid_json', `The body is not valid JSON: ${error.message}`);
  }
  return null;
}

/**
 * The service's one error handler: every error becomes JSON `{code, message}`. 5xx are logged with their cause;
 * the client gets only the message, which never holds a secret or an upstream body.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = isAppError(error)
      ? error
      : (fromFastifyError(error) ??
        new AppError('internal', 'Internal error; the orchestrator log has the details', { cause: error }));
    if (appError.statusCode >= 500) {
      request.log.error({ err: appError, url: request.url }, 'request failed');
    } else {
      request.log.debug({ code: appError.code, url: request.url }, 'request refused');
    }
    const body: ErrorBody = {
      code: appError.code,
      message: appError.message,
      ...(appError.details === undefined ? {} : { details: appError.details }),
    };
    if (appError.code === 'runner.capacity_reached') void reply.header('retry-after', '30');
    void reply.status(appError.statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      code: 'request.not_found',
      message: `No route ${request.method} ${request.url.split('?')[0] ?? ''}; see /openapi.json on the gateway for the API`,
    };
    void reply.status(404).send(body);
  });
}
