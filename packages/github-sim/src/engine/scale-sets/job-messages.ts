import type { SimStore } from '../../state/store.js';
import type { JobMessage, JobMessageType, SimScaleSet } from '../../state/scale-set-types.js';
import type { JobConclusion, SimJob } from '../../state/types.js';

/** Go's zero time: what GitHub sends for a time that has not happened (an empty string would not parse). */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

const RESULTS: Partial<Record<JobConclusion, NonNullable<JobMessage['result']>>> = {
  success: 'succeeded',
  failure: 'failed',
  cancelled: 'canceled',
};

/** The `result` of a `JobCompleted` message for a job's conclusion (GitHub spells it `canceled`). */
export function resultOf(conclusion: JobConclusion | null): NonNullable<JobMessage['result']> {
  return (conclusion && RESULTS[conclusion]) ?? 'failed';
}

/** The `acquirejobs` URL of a scale set. */
export function acquireJobUrl(scaleSet: SimScaleSet): string {
  return `${scaleSet.serviceUrl}/_apis/runtime/runnerscalesets/${scaleSet.id}/acquirejobs`;
}

/**
 * Builds a job message about a job's current scale-set request. `JobStarted` and `JobCompleted` carry the
 * runner, `JobCompleted` a result (`canceled` when the override says so), `JobAvailable` the acquire URL.
 */
export function buildJobMessage(
  store: SimStore,
  scaleSet: SimScaleSet,
  job: SimJob,
  type: JobMessageType,
  override: { result?: JobMessage['result']; finishTime?: string } = {},
): JobMessage {
  const repo = store.repoById(job.repoId);
  const run = store.runs.get(job.runId);
  const workflow = run ? store.workflows.get(run.workflowId) : undefined;
  const owner = repo?.owner ?? '';
  const name = repo?.name ?? '';
  const message: JobMessage = {
    messageType: type,
    runnerRequestId: job.scaleSet?.runnerRequestId ?? 0,
    repositoryName: name,
    ownerName: owner,
    jobId: String(job.id),
    jobWorkflowRef: `${owner}/${name}/${workflow?.path ?? ''}@refs/heads/${run?.headBranch ?? 'main'}`,
    jobDisplayName: job.name,
    workflowRunId: job.runId,
    eventName: run?.event ?? 'push',
    requestLabels: [...job.labels],
    queueTime: job.createdAt,
    scaleSetAssignTime: job.scaleSet ? new Date(job.scaleSet.assignedAt).toISOString() : ZERO_TIME,
    runnerAssignTime: job.scaleSet?.state === 'started' && job.startedAt ? job.startedAt : ZERO_TIME,
    finishTime: override.finishTime ?? job.completedAt ?? ZERO_TIME,
  };
  if (type === 'JobAvailable') message.acquireJobUrl = acquireJobUrl(scaleSet);
  if (type === 'JobStarted' || type === 'JobCompleted') {
    message.runnerId = job.scaleSet?.state === 'started' ? (job.runnerId ?? 0) : 0;
    message.runnerName = job.scaleSet?.state === 'started' ? (job.runnerName ?? '') : '';
  }
  if (type === 'JobCompleted') message.result = override.result ?? resultOf(job.conclusion);
  return message;
}
