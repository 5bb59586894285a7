import { WORKFLOW_JOB_LIMITS as LIMITS, webUrl, WorkflowJobEvent } from '@gha-ephemeral/contract';
import { z } from 'zod';

const text = (max: number, what: string) => z.string().max(max, `${what} is at most ${max} characters`);

/** GitHub's owner logins are at most 39 characters and repository names at most 100: `owner/name` ≤ 140. */
const MAX_FULL_NAME = 39 + 1 + 100;
/** GitHub's actions are short words; a longer one is not GitHub's, and the answer echoes it. */
const MAX_ACTION = 40;

/**
 * The fields of a `workflow_job` payload the orchestrator acts on, read leniently: GitHub's own examples lack
 * `created_at` at times, send `action: queued` with `status: waiting`, and fill `runner_name` before a runner took
 * the job. Every string is bounded (the contract's `WORKFLOW_JOB_LIMITS`), so an oversized field refuses the
 * delivery with a 400 that names it and is never stored or forwarded. Everything else in the payload (workflow and
 * job names, steps) is ignored and dropped.
 */
const Payload = z.object({
  action: text(MAX_ACTION, 'an action'),
  workflow_job: z.object({
    id: z.number().int().positive(),
    run_id: z.number().int().positive(),
    status: text(LIMITS.status, 'a job status').nullish(),
    labels: z
      .array(text(LIMITS.labelLength, 'a label'))
      .max(LIMITS.labels, `a job has at most ${LIMITS.labels} labels`)
      .nullish(),
    runner_name: text(LIMITS.runnerName, 'a runner name').nullish(),
    created_at: text(LIMITS.timestamp, 'a timestamp').nullish(),
    name: z.string().nullish(),
    workflow_name: z.string().nullish(),
    html_url: z.string().nullish(),
    conclusion: z.string().nullish(),
  }),
  repository: z.object({
    full_name: text(MAX_FULL_NAME, 'a repository full name'),
    // GitHub always sends it; the orchestrator refuses public repositories and asks GitHub when it is missing.
    private: z.boolean().nullish(),
  }),
  organization: z.object({ login: text(39, 'an organization login') }).nullish(),
});

const ACTIONS = new Set<string>(WorkflowJobEvent.shape.action.options);

/** What became of a payload: an event to forward, an action the orchestrator has no use for, or a bad payload. */
export type NormalizedWorkflowJob =
  | { kind: 'event'; event: WorkflowJobEvent }
  | { kind: 'ignored'; action: string }
  | { kind: 'invalid'; problem: string };

const clip = (value: string | null | undefined, max: number): string | null =>
  value === null || value === undefined ? null : value.slice(0, max);

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
      // Names are for people: cut to their bound rather than refused (a long job name is no reason to drop a job).
      name: clip(job.name, LIMITS.displayName),
      workflowName: clip(job.workflow_name, LIMITS.displayName),
      htmlUrl: webUrl(job.html_url),
      conclusion: clip(job.conclusion, LIMITS.status),
    },
    repository: repository.full_name,
    ...(typeof repository.private === 'boolean' ? { repositoryPrivate: repository.private } : {}),
    organization: organization?.login ?? null,
  });
  return event.success
    ? { kind: 'event', event: event.data }
    : { kind: 'invalid', problem: describe(event.error) };
}
