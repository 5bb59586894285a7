import { z } from 'zod';
import { PoolName, RunnerStatus } from './runner.js';

/** A runner pool as `GET /api/v1/pools` shows it: its settings (env names and placeholders only) and its runners. */
export const Pool = z
  .object({
    name: PoolName,
    labels: z
      .array(z.string())
      .meta({ description: "Every label its runners have (GitHub's defaults included)." }),
    image: z.string(),
    runtime: z
      .enum(['docker', 'swarm'])
      .meta({ description: 'Where its runners run: one engine, or a Swarm.' }),
    max: z.number().int().meta({ description: 'Most runners of this pool at once.' }),
    minIdle: z.number().int().meta({ description: 'Warm runners kept registered and idle.' }),
    scope: z
      .object({ kind: z.enum(['repository', 'organization']), target: z.string() })
      .nullable()
      .meta({ description: 'The one scope it serves; null: any, runners where the job is.' }),
    network: z.string(),
    docker: z.enum(['none', 'dind']),
    resources: z.object({
      memoryBytes: z.number().int().meta({ description: '0: no limit.' }),
      cpus: z.number().meta({ description: '0: no limit.' }),
      pids: z.number().int().meta({ description: '0: no limit.' }),
    }),
    template: z.string().meta({ description: 'Where its environment template comes from.' }),
    env: z
      .record(z.string(), z.string())
      .meta({ description: 'Variable names with their placeholders; literal text shown as [literal].' }),
    scaleSet: z
      .object({ name: z.string(), runnerGroup: z.string() })
      .nullable()
      .meta({ description: 'The scale set it is, when it is one (its listener is in `/health`).' }),
    desired: z
      .number()
      .int()
      .nullable()
      .meta({
        description:
          'How many runners the orchestrator last planned for it (live, less removals, plus creations); null before ' +
          'its first pass or without automatic mode.',
      }),
    runners: z
      .record(RunnerStatus, z.number().int())
      .meta({ description: 'Its runners by status (starting, idle, busy, offline, exited).' }),
  })
  .meta({ id: 'Pool' });
export type Pool = z.infer<typeof Pool>;

export const PoolList = z.object({ pools: z.array(Pool) }).meta({ id: 'PoolList' });
export type PoolList = z.infer<typeof PoolList>;
