import type Dockerode from 'dockerode';

/** One request to the engine's HTTP API. */
export interface EngineRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** The API path without the version prefix: `/services/create`. */
  path: string;
  /** Query parameters; an object value (filters) is sent as JSON. */
  query?: Record<string, unknown>;
  /** A JSON body (POST only). It may hold secrets: it is never logged. */
  body?: unknown;
}

type Dial = (options: object, callback: (error: Error | null, data: unknown) => void) => void;

/**
 * Sends one request through dockerode's modem and resolves with the parsed JSON answer. Used where dockerode's
 * helpers would put an option in the wrong place (the abort signal in a body) or lack a call. A status other than
 * 2xx rejects with docker-modem's error (`statusCode`, the engine's `json`), as dockerode's own calls do.
 */
export function engineRequest<T>(
  docker: Dockerode,
  request: EngineRequest,
  abortSignal: AbortSignal,
): Promise<T> {
  const query = request.query ?? {};
  const options: Record<string, unknown> = {};
  if (request.method === 'POST') {
    options._body = request.body ?? {};
    if (Object.keys(query).length > 0) options._query = query;
  } else {
    Object.assign(options, query);
  }
  const hasQuery = Object.keys(query).length > 0;
  const dial = (docker.modem as unknown as { dial: Dial }).dial.bind(docker.modem);
  return new Promise<T>((resolve, reject) => {
    dial(
      {
        // The modem appends the query string only to a path that already has a `?`.
        path: hasQuery ? `${request.path}?` : request.path,
        method: request.method,
        options,
        allowEmpty: request.method === 'POST',
        abortSignal,
        statusCodes: { 200: true, 201: true, 204: true, 304: true },
      },
      (error, data) => (error ? reject(error) : resolve(data as T)),
    );
  });
}
