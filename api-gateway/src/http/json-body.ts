import { AppError } from '@gha-ephemeral/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Bodies are JSON or nothing: Fastify's `text/plain` parser goes, so any other media type is a 415. The JSON parser
 * refuses `__proto__` and `constructor.prototype` keys; a `DELETE` that declares JSON but sends nothing (some
 * HTTP clients always send the header) is read as no body instead of an error.
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (request.method === 'DELETE' && text.trim() === '') {
      done(null, undefined);
      return;
    }
    void parseJson(request, text, done);
  });
}

/**
 * A `preValidation` hook for write routes with a body: a request without `Content-Type: application/json`
 * (Fastify lets a body-less request through without one) is a 415 rather than a confusing validation error.
 */
export async function requireJsonBody(request: FastifyRequest): Promise<void> {
  const type = request.headers['content-type'];
  if (type === undefined || !/^application\/json\s*(;|$)/i.test(type)) {
    throw new AppError(
      'request.unsupported_media_type',
      'Send the body as JSON with "Content-Type: application/json"',
    );
  }
}
