import { AppError } from '@gha-ephemeral/contract';

/** What is read of an error Fastify raised (a `FastifyError`, or the `SyntaxError` of its JSON parser). */
interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  message: string;
}

/**
 * Fastify's own errors, mapped to the catalogue's codes with messages a client can act on; null for anything
 * else (a bug, an upstream failure). `bodyLimit` (bytes) is named in the 413's message.
 */
export function fromFastifyError(error: FastifyLikeError, bodyLimit: number): AppError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(
        'request.unsupported_media_type',
        'Send the body as JSON with "Content-Type: application/json"',
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(
        'request.too_large',
        `The request body is too large (at most ${Math.floor(bodyLimit / 1024)} KiB)`,
      );
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
  // The JSON parser's own SyntaxError (also for `__proto__` keys, which secure-json-parse refuses).
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new AppError('request.invalid_json', `The body is not valid JSON: ${error.message}`);
  }
  // Any other client error Fastify or a plugin raised: its message describes the request, not our internals.
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('request.invalid', error.message, { statusCode: error.statusCode });
  }
  return null;
}
