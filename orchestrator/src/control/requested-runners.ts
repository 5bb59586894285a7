import type { Runner } from '@gha-ephemeral/contract';
import type { CreateRunnersCommand } from '../fleet/runner-service.js';
import type { LiveRunner, RunnerGate } from './runner-gate.js';

/** What starting runners on request needs of the fleet, declared here where it is used. */
export interface RequestedFleet {
  /** The pool a command names (the first when it names none), or a 400 that lists the pools. */
  pool(name?: string): { name: string };
  /** The live runner containers, by name and pool, as Docker lists them. */
  liveRunners(signal?: AbortSignal): Promise<LiveRunner[]>;
  /** Starts the runners, all or none. */
  create(command: CreateRunnersCommand, signal?: AbortSignal): Promise<Runner[]>;
}

/**
 * Starts runners asked for through the API: admitted by the one capacity gate (a 429 when `MAX_RUNNERS` or the
 * pool's `max` is reached), then started by the fleet, all or none; the gate's book counts them meanwhile.
 */
export async function startRequestedRunners(
  gate: RunnerGate,
  fleet: RequestedFleet,
  command: CreateRunnersCommand,
  signal?: AbortSignal,
): Promise<Runner[]> {
  const pool = fleet.pool(command.pool).name;
  const request = { scope: command.scope, pool, jobId: null };
  const keys = await gate.admit(request, command.count, () => fleet.liveRunners(signal));
  let created: Runner[] = [];
  try {
    created = await fleet.create(command, signal);
    return created;
  } finally {
    keys.forEach((key, index) => gate.end(key, created[index]?.id ?? null));
  }
}
