import { z } from 'zod';
import { OrganizationName, RepositoryFullName } from './names.js';

/**
 * A `workflow_job` webhook delivery as the gateway forwards it to the orchestrator, after checking its
 * signature: only the fields the orchestrator acts on. Internal API (`POST /internal/v1/workflow-jobs`).
 */
export const WorkflowJobEvent = z
  .object({
    /** `X-GitHub-Delivery`: the same for a redelivery. */
    deliveryId: z.string().min(1).max(100),
    action: z.enum(['queued', 'waiting', 'in_progress', 'completed']),
    job: z.object({
      id: z.number().int().positive(),
      runId: z.number().int().positive(),
      status: z.string(),
      labels: z.array(z.string()).max(100),
      runnerName: z.string().nullable(),
      createdAt: z.string().nullable(),
    }),
    repository: RepositoryFullName,
    /** The organization that owns the repository, when it is one. */
    organization: OrganizationName.nullable(),
  })
  .meta({ id: 'WorkflowJobEvent' });
export type WorkflowJobEvent = z.infer<typeof WorkflowJobEvent>;
