import type { JobMessage } from '@gha-ephemeral/github';
import type { RecentJobs } from './recent-jobs.js';

/**
 * The job's id in the recent jobs: GitHub's job id when the message carries a numeric one, else the runner request
 * id (the Actions service names jobs by GUID on some versions; the request id is unique per job all the same).
 */
function jobKey(job: JobMessage): number {
  const id = typeof job.jobId === 'string' && /^\d{1,15}$/.test(job.jobId) ? Number(job.jobId) : job.jobId;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : job.runnerRequestId;
}

/** "octo/app/.github/workflows/ci.yml@refs/heads/main" → "ci.yml": the workflow as people name its file. */
function workflowOf(ref: string | undefined): string | null {
  if (!ref) return null;
  return ref.split('@')[0]!.split('/').pop() ?? null;
}

/** Writes what a scale set's messages say of its jobs into the recent jobs. */
export function recordScaleSetJob(jobs: RecentJobs, pool: string, job: JobMessage): void {
  const id = jobKey(job);
  const at = (iso: string | undefined) =>
    iso && !Number.isNaN(Date.parse(iso)) ? Date.parse(iso) : undefined;
  switch (job.messageType) {
    case 'JobAvailable':
    case 'JobAssigned':
      jobs.queued({
        id,
        runId: job.workflowRunId ?? null,
        repository: job.ownerName && job.repositoryName ? `${job.ownerName}/${job.repositoryName}` : pool,
        labels: job.requestLabels ?? [],
        createdAt: job.queueTime ?? new Date(0).toISOString(),
        name: job.jobDisplayName ?? null,
        workflow: workflowOf(job.jobWorkflowRef),
      });
      jobs.planned(id, null, pool);
      return;
    case 'JobStarted':
      jobs.taken(id, job.runnerName ?? null, at(job.runnerAssignTime));
      return;
    case 'JobCompleted':
      jobs.completed(id, job.result ?? null, at(job.finishTime));
      return;
  }
}
