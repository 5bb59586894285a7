import { engineTimeoutError, engineUnavailableError, isEngineUnreachable } from './docker-errors.js';

/** How calls to one engine are bounded and described. */
export interface EngineCallContext {
  /** For messages: `unix:///var/run/docker.sock`, ... */
  engineAddress: string;
  /** Bound on one request, so a hung engine becomes `runtime.unavailable` instead of a stuck reconciler. */
  requestTimeoutMs: number;
}

/**
 * Runs one engine request under the caller's signal and the request timeout. An abort by the caller rejects with
 * the signal's reason; the timeout and an unreachable engine become `runtime.unavailable`. Any other error (the
 * engine answered, but said no) is rethrown as it is, for the caller to map.
 */
export async function callEngine<T>(
  context: EngineCallContext,
  operation: string,
  signal: AbortSignal | undefined,
  request: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  signal?.throwIfAborted();
  const timeout = AbortSignal.timeout(context.requestTimeoutMs);
  const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
  try {
    return await request(combined);
  } catch (error) {
    if (signal?.aborted === true) throw signal.reason;
    if (timeout.aborted) throw engineTimeoutError(operation, context.requestTimeoutMs, context.engineAddress);
    if (isEngineUnreachable(error)) throw engineUnavailableError(error, context.engineAddress);
    throw error;
  }
}
