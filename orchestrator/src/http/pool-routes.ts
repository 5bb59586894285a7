import type { PoolList } from '@gha-ephemeral/contract';
import type { FastifyPluginAsync } from 'fastify';
import type { RunnerService } from '../fleet/runner-service.js';
import { summarizePools } from '../pools/pool-summary.js';

/** Options of {@link poolRoutes}. */
export interface PoolRoutesOptions {
  runners: RunnerService;
  /** What the last pass planned each pool to have; null without automatic mode. */
  desired: () => ReadonlyMap<string, number> | null;
}

/** `GET /api/v1/pools`: each pool's settings (no secrets) and its runners by status. */
export const poolRoutes: FastifyPluginAsync<PoolRoutesOptions> = async (app, { runners, desired }) => {
  app.get('/api/v1/pools', async (): Promise<PoolList> => ({
    pools: summarizePools(runners.pools, await runners.list(), desired()),
  }));
};
