import type { PoolList, RunnerStatus } from '@gha-ephemeral/contract';
import type { FastifyPluginAsync } from 'fastify';
import { describePool } from '../pools/pool.js';
import type { RunnerService } from '../fleet/runner-service.js';

const STATUSES: readonly RunnerStatus[] = ['starting', 'idle', 'busy', 'offline', 'exited'];

/** `GET /api/v1/pools`: each pool's settings (no secrets) and its runners by status. */
export const poolRoutes: FastifyPluginAsync<{ runners: RunnerService }> = async (app, { runners }) => {
  app.get('/api/v1/pools', async (): Promise<PoolList> => {
    const listed = await runners.list();
    return {
      pools: runners.pools.map((pool) => {
        const counts = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<
          RunnerStatus,
          number
        >;
        for (const runner of listed) if (runner.pool === pool.name) counts[runner.status] += 1;
        return { ...(describePool(pool) as Omit<PoolList['pools'][number], 'runners'>), runners: counts };
      }),
    };
  });
};
