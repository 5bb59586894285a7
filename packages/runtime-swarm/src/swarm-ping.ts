import { AppError } from '@gha-ephemeral/contract';
import type { SwarmEngine } from './swarm-engine.js';

/**
 * The engine's version, once it is known to be a Swarm manager: only a manager can make and list services.
 * @throws `runtime.unavailable` when it is not (a worker, or no Swarm at all), saying what to do.
 */
export async function pingSwarmManager(
  engine: SwarmEngine,
  signal: AbortSignal | undefined,
): Promise<{ version: string; apiVersion: string }> {
  const version = await engine.request<{ Version: string; ApiVersion: string }>(
    'read the engine version',
    signal,
    {
      method: 'GET',
      path: '/version',
    },
  );
  const info = await engine.request<{ Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } }>(
    'read the engine information',
    signal,
    { method: 'GET', path: '/info' },
  );
  if (info.Swarm?.LocalNodeState !== 'active' || info.Swarm.ControlAvailable !== true) {
    const state = info.Swarm?.LocalNodeState ?? 'unknown';
    throw new AppError(
      'runtime.unavailable',
      `The engine at ${engine.context.engineAddress} is not a Swarm manager (swarm state: ${state}): ` +
        'this engine is not a Swarm manager: docker swarm init, or use runtime docker.',
      { retryable: false, details: { reason: 'not_a_swarm_manager' } },
    );
  }
  return { version: version.Version, apiVersion: version.ApiVersion };
}
