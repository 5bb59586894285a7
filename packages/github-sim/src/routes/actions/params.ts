import type { FastifyRequest } from 'fastify';
import type { SimContext } from '../../app-context.js';
import { originOf } from '../../http/urls.js';
import { ActionsServiceError, scaleSetNotFound } from '../../engine/scale-sets/actions-error.js';

/** A numeric path parameter; an id that is not an integer names nothing (404 with `notFound`). */
export function idParam(request: FastifyRequest, name: string, notFound: () => Error): number {
  const id = Number((request.params as Record<string, string>)[name]);
  if (!Number.isInteger(id) || id <= 0) throw notFound();
  return id;
}

/** The `{scaleSetId}` path parameter. */
export const scaleSetIdOf = (request: FastifyRequest): number =>
  idParam(request, 'scaleSetId', () =>
    scaleSetNotFound((request.params as Record<string, string>).scaleSetId ?? ''),
  );

/** The Actions service base URL as this request sees it (the public URL when one is set). */
export const serviceUrlOf = (ctx: SimContext, request: FastifyRequest): string =>
  `${originOf(request, ctx.publicUrl)}/_runner`;

/** The request body as an object, or 400 `ArgumentException`. */
export function objectBody(request: FastifyRequest): Record<string, unknown> {
  const body: unknown = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ActionsServiceError(400, 'ArgumentNullException', 'A JSON object body is required.');
  return body as Record<string, unknown>;
}
