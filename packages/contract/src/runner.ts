import { z } from 'zod';
import { Label, OrganizationName, RepositoryFullName, RunnerId } from './names.js';

export * from './names.js';

/** Most runners one request may ask for; `MAX_RUNNERS` caps the total further. */
export const MAX_COUNT_PER_REQUEST = 50;

export const RunnerScope = z.enum(['repository', 'organization']).meta({
  description: 'Where the runner is registered: one repository, or a whole organization.',
});
export type RunnerScope = z.infer<typeof RunnerScope>;

export const RunnerStatus = z.enum(['starting', 'idle', 'busy', 'offline', 'exited']).meta({
  description:
    'starting: the container runs but GitHub does not list the runner online yet; idle: online and waiting for a job; ' +
    'busy: running a job; offline: GitHub lists it offline while its container still exists; exited: the container ' +
    'has ended and is being removed.',
});
export type RunnerStatus = z.infer<typeof RunnerStatus>;

/** A pool's name, from the pool file: letters, digits, `-` and `_`. */
export const PoolName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a pool name is 1-64 letters, digits, "-" or "_"');

export const Runner = z
  .object({
    id: RunnerId.meta({ description: 'Stable id; the same as the runner name.' }),
    name: z.string(),
    status: RunnerStatus,
    scope: RunnerScope,
    target: z.string().meta({ description: '"owner/repo" or the organization.' }),
    labels: z.array(z.string()),
    image: z.string(),
    containerId: z.string(),
    createdAt: z.iso.datetime(),
    githubRunnerId: z.number().int().nullable(),
    busy: z.boolean(),
    jobId: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The GitHub job the runner was started for, if any.' }),
    pool: PoolName.meta({ description: 'The pool the runner belongs to (`default` without a pool file).' }),
  })
  .meta({ id: 'Runner' });
export type Runner = z.infer<typeof Runner>;

export const RunnerList = z
  .object({ runners: z.array(Runner), total: z.number().int().nonnegative() })
  .meta({ id: 'RunnerList' });
export type RunnerList = z.infer<typeof RunnerList>;

const createFields = {
  labels: z
    .array(Label)
    .min(1, 'labels, when given, holds 1-100 labels')
    .max(100, 'GitHub allows at most 100 labels on a runner')
    .optional()
    .meta({ description: 'Extra labels for the runner, besides the configured ones.' }),
  count: z
    .number()
    .int('count must be a whole number')
    .min(1, 'count must be at least 1')
    .max(MAX_COUNT_PER_REQUEST, `count must be at most ${MAX_COUNT_PER_REQUEST}`)
    .optional()
    .meta({ description: 'How many runners to start (default 1).' }),
  pool: PoolName.optional().meta({
    description: 'The pool to start them from (its image, template, limits); default: the first pool.',
  }),
};

export const CreateRunnersRequest = z
  .strictObject({
    repository: RepositoryFullName.optional().meta({ description: 'A repository, "owner/name".' }),
    organization: OrganizationName.optional().meta({
      description: 'An organization (organization-level runners).',
    }),
    ...createFields,
  })
  .superRefine((body, ctx) => {
    // A refinement rather than a union, so that each field's own problem is reported precisely.
    if ((body.repository === undefined) === (body.organization === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'give exactly one of "repository" ("owner/name") or "organization"',
      });
    }
  })
  .meta({
    id: 'CreateRunnersRequest',
    description: 'Either `repository` ("owner/name") or `organization`, not both.',
  });
export type CreateRunnersRequest = z.infer<typeof CreateRunnersRequest>;

export const CreateRunnersResponse = z
  .object({ runners: z.array(Runner) })
  .meta({ id: 'CreateRunnersResponse' });
export type CreateRunnersResponse = z.infer<typeof CreateRunnersResponse>;

export const RunnerIdParams = z.strictObject({ id: RunnerId });

export const ErrorBody = z
  .object({
    code: z.string().meta({ description: 'Stable, namespaced error code.' }),
    message: z.string().meta({ description: 'What went wrong and what to do about it.' }),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

export const DependencyHealth = z.object({
  status: z.enum(['ok', 'down']),
  message: z.string().optional(),
  version: z.string().optional(),
});

/** GitHub's counts for a scale set, as its Actions service sends them. */
export const ScaleSetStatistics = z.object({
  totalAvailableJobs: z.number().int(),
  totalAcquiredJobs: z.number().int(),
  totalAssignedJobs: z.number().int(),
  totalRunningJobs: z.number().int(),
  totalRegisteredRunners: z.number().int(),
  totalBusyRunners: z.number().int(),
  totalIdleRunners: z.number().int(),
});

/** One scale-set pool's listener, in the orchestrator's health. */
export const ScaleSetHealth = z.object({
  pool: z.string(),
  name: z.string().meta({ description: 'The scale set: the label workflows target.' }),
  id: z.number().int().nullable().meta({ description: "GitHub's id of the scale set, once registered." }),
  state: z.enum(['starting', 'listening', 'conflict', 'failing', 'stopped']),
  detail: z.string().nullable().meta({ description: 'Why it is in that state (conflict, failure).' }),
  since: z.string().meta({ description: 'When it entered that state (ISO 8601).' }),
  lastMessageAt: z.string().nullable(),
  statistics: ScaleSetStatistics.nullable().meta({ description: 'What GitHub last said.' }),
  desired: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'min(max, minIdle + totalAssignedJobs); null until GitHub has said.' }),
});
export type ScaleSetHealth = z.infer<typeof ScaleSetHealth>;

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded', 'down']),
    service: z.string(),
    version: z.string(),
    uptimeSeconds: z.number(),
    dependencies: z.record(z.string(), DependencyHealth),
    scaleSets: z
      .array(ScaleSetHealth)
      .optional()
      .meta({ description: "The orchestrator's scale-set listeners, when some pools are scale sets." }),
  })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof Health>;
