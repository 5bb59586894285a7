/** The runner-scale-set shapes of GitHub's Actions service, as it spells them (camelCase). See docs/scale-sets.md. */

/** What GitHub counts for a scale set; sent with the session and with every message, always current. */
export interface ScaleSetStatistics {
  totalAvailableJobs: number;
  totalAcquiredJobs: number;
  totalAssignedJobs: number;
  totalRunningJobs: number;
  totalRegisteredRunners: number;
  totalBusyRunners: number;
  totalIdleRunners: number;
}

/** A label of a scale set; `System` for those we set. */
export interface ScaleSetLabel {
  name: string;
  type: string;
}

/** A runner scale set. */
export interface RunnerScaleSet {
  id: number;
  name: string;
  runnerGroupId: number;
  runnerGroupName?: string;
  labels: ScaleSetLabel[];
  createdOn?: string;
  runnerJitConfigUrl?: string;
  statistics?: ScaleSetStatistics | null;
}

/** A runner group (`default` is id 1 on github.com). */
export interface RunnerGroup {
  id: number;
  name: string;
  isDefaultGroup?: boolean;
}

/** A message session: one live session per scale set; its queue URL and token are for the long poll. */
export interface ScaleSetSession {
  sessionId: string;
  ownerName: string;
  runnerScaleSet?: RunnerScaleSet;
  messageQueueUrl: string;
  messageQueueAccessToken: string;
  statistics?: ScaleSetStatistics | null;
}

/** The kinds of job message a batch holds. */
export type JobMessageType = 'JobAvailable' | 'JobAssigned' | 'JobStarted' | 'JobCompleted';

/** One job message of a batch. Fields GitHub leaves out on some types are optional. */
export interface JobMessage {
  messageType: JobMessageType;
  runnerRequestId: number;
  repositoryName?: string;
  ownerName?: string;
  jobId?: string | number;
  jobWorkflowRef?: string;
  jobDisplayName?: string;
  workflowRunId?: number;
  eventName?: string;
  requestLabels?: string[];
  queueTime?: string;
  scaleSetAssignTime?: string;
  runnerAssignTime?: string;
  finishTime?: string;
  /** `JobAvailable`: where GitHub expects the job to be acquired (GHES). */
  acquireJobUrl?: string;
  /** `JobStarted`, `JobCompleted`. */
  runnerId?: number;
  runnerName?: string;
  /** `JobCompleted`: `succeeded`, `failed`, `canceled`, … */
  result?: string;
}

/** A message of the queue, its body parsed. */
export interface ScaleSetMessage {
  messageId: number;
  messageType: string;
  statistics: ScaleSetStatistics | null;
  jobs: JobMessage[];
  /** Why its body could not be read (its jobs are then empty), or null. */
  problem: string | null;
}

/** A runner registered for a scale set, with its just-in-time configuration (a secret: it goes only in its container). */
export interface ScaleSetJitRunner {
  runner: { id: number; name: string; runnerScaleSetId?: number };
  /** As the service spells it. */
  encodedJITConfig: string;
}

/** A runner (agent) of the Actions service. */
export interface ScaleSetAgent {
  id: number;
  name: string;
  status?: string;
  busy?: boolean;
}
