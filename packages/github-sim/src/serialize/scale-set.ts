import type { SimStore } from '../state/store.js';
import type { QueueMessage, ScaleSetSession, SimScaleSet } from '../state/scale-set-types.js';
import type { SimRunner } from '../state/types.js';
import { statisticsOf } from '../engine/scale-sets/statistics.js';
import { DEFAULT_RUNNER_GROUP } from '../engine/scale-sets/scale-set-service.js';

/** The message queue URL of a session (no query string: clients append `?lastMessageId=` and `/{id}`). */
export function messageQueueUrl(serviceUrl: string, scaleSet: SimScaleSet, session: ScaleSetSession): string {
  return `${serviceUrl}/_apis/runtime/runnerscalesets/${scaleSet.id}/sessions/${session.id}/messages`;
}

/** GitHub's `RunnerScaleSet` object, with statistics as of now. */
export function serializeScaleSet(store: SimStore, scaleSet: SimScaleSet): Record<string, unknown> {
  return {
    id: scaleSet.id,
    name: scaleSet.name,
    runnerGroupId: scaleSet.runnerGroupId,
    runnerGroupName: DEFAULT_RUNNER_GROUP.name,
    labels: scaleSet.labels.map((l) => ({ name: l.name, type: l.type })),
    RunnerSetting: { disableUpdate: scaleSet.disableUpdate },
    createdOn: scaleSet.createdOn,
    runnerJitConfigUrl: `${scaleSet.serviceUrl}/_apis/runtime/runnerscalesets/${scaleSet.id}/generatejitconfig`,
    statistics: statisticsOf(store, scaleSet),
  };
}

/** GitHub's `RunnerScaleSetSession` object. */
export function serializeSession(
  store: SimStore,
  scaleSet: SimScaleSet,
  session: ScaleSetSession,
  serviceUrl: string,
): Record<string, unknown> {
  return {
    sessionId: session.id,
    ownerName: session.ownerName,
    runnerScaleSet: serializeScaleSet(store, scaleSet),
    messageQueueUrl: messageQueueUrl(serviceUrl, scaleSet, session),
    messageQueueAccessToken: session.queueToken,
    statistics: statisticsOf(store, scaleSet),
  };
}

/** A queue message as the poll returns it: the job messages as a JSON string, statistics as of delivery. */
export function serializeMessage(
  store: SimStore,
  scaleSet: SimScaleSet,
  message: QueueMessage,
): Record<string, unknown> {
  return {
    messageId: message.messageId,
    messageType: 'RunnerScaleSetJobMessages',
    body: JSON.stringify(message.jobMessages),
    statistics: statisticsOf(store, scaleSet),
  };
}

/** A runner (agent) as `_apis/distributedtask/pools/0/agents` shows it. */
export function serializeAgent(store: SimStore, runner: SimRunner): Record<string, unknown> {
  return {
    id: runner.id,
    name: runner.name,
    version: '2.330.0',
    enabled: true,
    status: store.isOnline(runner) ? 'online' : 'offline',
    busy: runner.jobId !== null,
    ephemeral: runner.ephemeral,
    // 0 for a runner outside any scale set, as the Go client's int field reads a missing value.
    runnerScaleSetId: runner.scaleSetId ?? 0,
    createdOn: runner.createdAt,
    labels: runner.labels.map((l) => ({ name: l.name, type: l.type === 'read-only' ? 'System' : 'User' })),
  };
}
