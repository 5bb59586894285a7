import type { Pool, Runner, RunnerStatus } from '@gha-ephemeral/contract';
import { describePool, type RunnerPool } from './pool.js';

const STATUSES: readonly RunnerStatus[] = ['starting', 'idle', 'busy', 'offline', 'exited'];

/** Each pool's settings (no secrets), its runners by status, and what the last pass planned it to have. */
export function summarizePools(
  pools: readonly RunnerPool[],
  listed: readonly Runner[],
  desired: ReadonlyMap<string, number> | null,
): Pool[] {
  return pools.map((pool) => {
    const counts = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<RunnerStatus, number>;
    for (const runner of listed) if (runner.pool === pool.name) counts[runner.status] += 1;
    const settings = describePool(pool) as Omit<Pool, 'runners' | 'desired'>;
    return { ...settings, desired: desired?.get(pool.name) ?? null, runners: counts };
  });
}
