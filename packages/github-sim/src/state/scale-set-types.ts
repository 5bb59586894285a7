import type { RunnerScope } from './types.js';

/** A job message's type, as the Actions service names it. */
export type JobMessageType = 'JobAvailable' | 'JobAssigned' | 'JobStarted' | 'JobCompleted';

/** One job message inside a queue message's `body` (the wire shape, camelCase as GitHub sends it). */
export interface JobMessage {
  messageType: JobMessageType;
  runnerRequestId: number;
  repositoryName: string;
  ownerName: string;
  /** GitHub sends an opaque string; the simulator sends the REST job id as a string. */
  jobId: string;
  jobWorkflowRef: string;
  jobDisplayName: string;
  workflowRunId: number;
  eventName: string;
  requestLabels: string[];
  queueTime: string;
  scaleSetAssignTime: string;
  runnerAssignTime: string;
  finishTime: string;
  /** `JobAvailable` only. */
  acquireJobUrl?: string;
  /** `JobStarted` and `JobCompleted`. */
  runnerId?: number;
  runnerName?: string;
  /** `JobCompleted` only: `succeeded`, `failed` or `canceled`. */
  result?: 'succeeded' | 'failed' | 'canceled';
}

/** A queue message: a batch of job messages under one id, kept until the listener acknowledges it. */
export interface QueueMessage {
  messageId: number;
  jobMessages: JobMessage[];
  /** How many times it was handed out. */
  deliveries: number;
}

/** A scale set's message session: one live listener at a time. */
export interface ScaleSetSession {
  /** A UUID. */
  id: string;
  ownerName: string;
  createdAt: number;
  /** Last poll, refresh or creation (epoch ms); an idle session expires after `sessionIdleTimeoutMs`. */
  lastSeenAt: number;
  /** The only message queue token that is accepted (a refresh replaces it). */
  queueToken: string;
  queueTokenExpiresAt: number;
  /** Long polls open right now. */
  openPolls: number;
}

/** A runner scale set, registered in a repository or an organization. */
export interface SimScaleSet {
  id: number;
  name: string;
  scope: RunnerScope;
  runnerGroupId: number;
  /** Its labels; the name is always one of them. */
  labels: { name: string; type: string }[];
  disableUpdate: boolean;
  createdOn: string;
  /** The Actions service base URL it was created through (for `runnerJitConfigUrl` and `acquireJobUrl`). */
  serviceUrl: string;
  session: ScaleSetSession | null;
  /** Job messages not yet batched into a queue message, oldest first. */
  pending: JobMessage[];
  /** Queue messages handed out or waiting, not yet acknowledged, oldest first. */
  unacked: QueueMessage[];
  nextMessageId: number;
  /** The last `X-ScaleSetMaxCapacity` a poll sent, or null. */
  lastMaxCapacity: number | null;
}

/** A job's request to a scale set: one assignment attempt, with its own `runnerRequestId`. */
export interface ScaleSetJobRequest {
  scaleSetId: number;
  runnerRequestId: number;
  /** `available`: offered (GHES mode), not acquired; `assigned`: a runner of the set may take it; `started`. */
  state: 'available' | 'assigned' | 'started';
  /** When this attempt was offered or assigned (epoch ms); the assignment timeout counts from here. */
  assignedAt: number;
  /** Attempts so far, this one included (1 for the first assignment). */
  attempt: number;
}
