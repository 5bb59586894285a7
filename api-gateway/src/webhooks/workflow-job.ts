import { WorkflowJobEvent } from '@gha-ephemeral/contract';
import { z } from 'zod';

/**
 * The fields of a `workflow_job` payload the orchestrator acts on, read leniently: GitHub's own examples lack
 * `created_at` at times, send `action: queued` with `status: waiting`, and fill `runner_name` before a runner took
 * the job. Everything else in the payload is ignored.
 */
const Payload = z.object({
  action: z.string(),
  workflow_job: z.object({
    id: z.number().int().positive(),
    run_id: z.number().int().positive(),
    status: z.string().nullish(),
    labels: z.array(z.string()).max(100).nullish(),
    runner_name: z.string().nullish(),
    created_at: z.string().nullish(),
  }),
  repository: z.object({ full_name: z.string() }),
  organization: z.object({ login: z.string() }).nullish(),
});

const ACTIONS = new Set<string>(WorkflowJobEvent.shape.action.options);

/** What became of a payload: an event to forward, an action the orchestrator has no use for, or a bad payload. */
export type NormalizedWorkflowJob =
  | { kind: 'event'; event: WorkflowJobEvent }
  | { kind: 'ignored'; action: string }
  | { kind: 'invalid'; problem: string };

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`)
    .join('; ');
}

/** Turns a `workflow_job` payload and its delivery id into the orchestrator's {@link WorkflowJobEvent}. */
export function normalizeWorkflowJob(payload: unknown, deliveryId: string): NormalizedWorkflowJob {
  const parsed = Payload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', problem: describe(parsed.error) };
  const { action, workflow_job: job, repository, organization } = parsed.data;
  // A new action GitHub may add one day is not an error: it is simply not for us.
  if (!ACTIONS.has(action)) return { kind: 'ignored', action };
  const event = WorkflowJobEvent.safeParse({
    deliveryId,
    action,
    job: {
      id: job.id,
      runId: job.run_id,
      status: job.status ?? action,
      labels: job.labels ?? [],
      runnerName: job.runner_name ?? null,
      createdAt: job.created_at ?? null,
    },
    repository: repository.full_name,
    organization: organization?.login ?? null,
  });
  return event.success
    ? { kind: 'event', event: event.data }
    : { kind: 'invalid', problem: describe(event.error) };
}
