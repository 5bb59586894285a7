import { AppError, isAppError, type ErrorBody } from '@gha-ephemeral/contract';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allowedMethods } from './http/allowed-methods.js';

/** Fastify's own errors, mapped to our stable codes with messages a client can act on. */
function fromFastifyError(error: FastifyError): AppError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(
        'request.unsupported_media_type',
        'Send the body as JSON with "Content-Type: application/json"',
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('request.too_large', 'The request body is too large (at most 64 KiB)');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('request.invalid_json', 'The body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('request.invalid', 'The Content-Length header does not match the body');
    case 'FST_ERR_BAD_URL':
      return new AppError('request.invalid', 'The URL is malformed (bad percent-encoding?)');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('request.invalid', 'A path segment is far too long');
    default:
      break;
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new AppError('request.invalid_json', `The body is not valid JSON: ${error.message}`);
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('request.invalid', error.message, { statusCode: error.statusCode });
  }
  return null;
}

/** Sends `error` as the product's error JSON. */
export function sendError(reply: FastifyReply, error: AppError): void {
  const body: ErrorBody = {
    code: error.code,
    message: error.message,
    ...(error.details === undefined ? {} : { details: error.details }),
  };
  void reply.status(error.statusCode).send(body);
}

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

/** Any error as the `AppError` the client gets. */
export function toAppError(error: FastifyError): AppError {
  if (isAppError(error)) return error;
  return (
    fromFastifyError(error) ??
    new AppError('internal', 'Internal error; the gateway log has the details', { cause: error })
  );
}

/**
 * Fastify's `frameworkErrors`: errors met before routing (a malformed URL, an overlong path parameter), which
 * would otherwise get Fastify's own JSON shape instead of ours.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const mapped = fromFastifyError(error) ?? new AppError('request.invalid', 'The request is malformed');
  sendError(reply, mapped);
}

/**
 * The gateway's one error handler: every error becomes JSON `{code, message, details?}`. 5xx are logged with their
 * cause; the client gets only the message, which never holds a secret, a header or an upstream body.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.statusCode >= 500) {
      request.log.error({ category: 'ERROR', err: appError, url: request.url }, 'request failed');
    } else {
      request.log.debug({ code: appError.code, url: request.url }, 'request refused');
    }
    sendError(reply, appError);
  });
  app.setNotFoundHandler({ preHandler: app.rateLimit() }, notFound);
}
