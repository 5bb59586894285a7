import { z } from 'zod';
import { LABEL_MAX_LENGTH, OrganizationName, RepositoryFullName } from './names.js';

/**
 * Bounds on the strings of a `workflow_job` event. A delivery is unauthenticated until its signature is checked,
 * and even a signed one is stored (the demand book) and logged: every string has a length, every list a count.
 */
export const WORKFLOW_JOB_LIMITS = {
  /** GitHub refuses runner names longer than 64 characters (config.sh and the JIT configuration API). */
  runnerName: 64,
  /** GitHub's limit on a runner label (names.ts `LABEL`): a longer `runs-on` label could match no runner anyway. */
  labelLength: LABEL_MAX_LENGTH,
  /** GitHub's runner label API takes at most 100 labels; a job asking for more can match no runner. */
  labels: 100,
  /** GitHub's statuses (`queued`, `in_progress`, `completed`, `waiting`, `requested`, `pending`) are short words. */
  status: 32,
  /** An ISO 8601 timestamp (`2026-01-01T10:00:00.000+00:00` is 29 characters). */
  timestamp: 40,
  /** `X-GitHub-Delivery` is a GUID (36 characters). */
  deliveryId: 100,
  /** A job's or workflow's name as people wrote it (GitHub allows long ones; the dashboard shows the start). */
  displayName: 200,
  /** A job's page on GitHub. */
  url: 500,
} as const;

const bounded = (max: number, what: string) => z.string().max(max, `${what} is at most ${max} characters`);

/**
 * A `workflow_job` webhook delivery as the gateway forwards it to the orchestrator, after checking its
 * signature: only the fields the orchestrator acts on, each bounded by {@link WORKFLOW_JOB_LIMITS}. Internal API
 * (`POST /internal/v1/workflow-jobs`).
 */
export const WorkflowJobEvent = z
  .object({
    /** `X-GitHub-Delivery`: the same for a redelivery. */
    deliveryId: z.string().min(1).max(WORKFLOW_JOB_LIMITS.deliveryId),
    action: z.enum(['queued', 'waiting', 'in_progress', 'completed']),
    job: z.object({
      id: z.number().int().positive(),
      runId: z.number().int().positive(),
      status: bounded(WORKFLOW_JOB_LIMITS.status, 'a job status'),
      labels: z
        .array(bounded(WORKFLOW_JOB_LIMITS.labelLength, 'a label'))
        .max(WORKFLOW_JOB_LIMITS.labels, `a job has at most ${WORKFLOW_JOB_LIMITS.labels} labels`),
      runnerName: bounded(WORKFLOW_JOB_LIMITS.runnerName, 'a runner name').nullable(),
      createdAt: bounded(WORKFLOW_JOB_LIMITS.timestamp, 'a timestamp').nullable(),
      /** For people (the dashboard): the job's and workflow's names, its page, and how it ended. */
      name: bounded(WORKFLOW_JOB_LIMITS.displayName, 'a job name').nullish(),
      workflowName: bounded(WORKFLOW_JOB_LIMITS.displayName, 'a workflow name').nullish(),
      htmlUrl: bounded(WORKFLOW_JOB_LIMITS.url, 'a job URL').nullish(),
      conclusion: bounded(WORKFLOW_JOB_LIMITS.status, 'a conclusion').nullish(),
    }),
    repository: RepositoryFullName,
    /** GitHub's `repository.private` (true for internal ones too); absent when the payload lacked it. */
    repositoryPrivate: z.boolean().optional(),
    /** The organization that owns the repository, when it is one. */
    organization: OrganizationName.nullable(),
  })
  .meta({ id: 'WorkflowJobEvent' });
export type WorkflowJobEvent = z.infer<typeof WorkflowJobEvent>;
