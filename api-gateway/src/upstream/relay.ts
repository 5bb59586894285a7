import { AppError, ErrorBody } from '@gha-ephemeral/contract';
import type { FastifyReply } from 'fastify';
import type { UpstreamResponse } from './orchestrator-client.js';

const isObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks an orchestrator answer and turns it into what the client gets. Success bodies must be JSON objects and
 * are relayed byte for byte; the orchestrator's JSON errors (`{code, message, details?}`) pass through with
 * their status.
 * Anything else becomes an `AppError`: 401 means the two services disagree on `ORCHESTRATOR_API_TOKEN`, a 503
 * without our error shape is an orchestrator shutting down, the rest is a bad response.
 */
export function relayUpstream(
  reply: FastifyReply,
  upstream: UpstreamResponse,
  orchestratorUrl: string,
): FastifyReply {
  const { statusCode } = upstream;
  if (statusCode === 401) {
    throw new AppError(
      'upstream.unauthorized',
      'The orchestrator refused the gateway: set the same ORCHESTRATOR_API_TOKEN on both services',
    );
  }
  if (statusCode >= 200 && statusCode < 300) {
    if (upstream.json !== undefined && !isObject(upstream.json)) {
      throw new AppError('upstream.bad_response', 'The orchestrator answered with an unexpected body');
    }
    if (upstream.json === undefined) return reply.status(statusCode).send();
    return reply.status(statusCode).type('application/json; charset=utf-8').send(upstream.text);
  }
  const error = statusCode >= 400 && statusCode < 600 ? ErrorBody.safeParse(upstream.json) : null;
  if (error?.success === true) {
    if (upstream.retryAfter !== undefined) void reply.header('retry-after', upstream.retryAfter);
    // Re-serialized from the parsed shape: only code, message and details reach the client, never extra fields.
    return reply.status(statusCode).send(error.data);
  }
  if (statusCode === 503) {
    throw new AppError(
      'upstream.unavailable',
      `The orchestrator at ${orchestratorUrl} is not ready (starting or shutting down). Retry shortly`,
    );
  }
  throw new AppError(
    'upstream.bad_response',
    `The orchestrator answered with an unexpected status ${statusCode}`,
  );
}
