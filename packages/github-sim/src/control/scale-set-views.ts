import type { SimStore } from '../state/store.js';
import type { JobMessage, SimScaleSet } from '../state/scale-set-types.js';
import { statisticsOf } from '../engine/scale-sets/statistics.js';
import type { ScaleSetStatistics } from '../engine/scale-sets/statistics.js';
import type { ScaleSetSessions } from '../engine/scale-sets/sessions.js';
import type { ScopeRef } from './views.js';

/** A scale set's session as the control API shows it (never its token). */
export interface ScaleSetSessionView {
  sessionId: string;
  ownerName: string;
  createdAt: string;
  lastSeenAt: string;
  /** False once it has been idle longer than `sessionIdleTimeoutMs` (a new session may then be created). */
  live: boolean;
  queueTokenExpiresAt: string;
  openPolls: number;
}

/** A runner scale set as the control API shows it. */
export interface ScaleSetView {
  id: number;
  name: string;
  scope: ScopeRef;
  runnerGroupId: number;
  labels: string[];
  createdOn: string;
  session: ScaleSetSessionView | null;
  queue: {
    /** Job messages not yet batched into a queue message. */
    pending: JobMessage[];
    /** Queue messages handed out (or about to be) and not acknowledged, oldest first. */
    unacked: { messageId: number; deliveries: number; jobMessages: JobMessage[] }[];
  };
  /** Long polls open right now. */
  openPolls: number;
  /** The last `X-ScaleSetMaxCapacity` a poll sent, or null. */
  lastMaxCapacity: number | null;
  statistics: ScaleSetStatistics;
  /** Runners registered in the set. */
  runnerIds: number[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A scale set's control view. */
export function scaleSetView(
  store: SimStore,
  sessions: ScaleSetSessions,
  scaleSet: SimScaleSet,
): ScaleSetView {
  const s = scaleSet.session;
  return {
    id: scaleSet.id,
    name: scaleSet.name,
    scope:
      scaleSet.scope.kind === 'repo'
        ? { repo: `${scaleSet.scope.owner}/${scaleSet.scope.repo}` }
        : { org: scaleSet.scope.org },
    runnerGroupId: scaleSet.runnerGroupId,
    labels: scaleSet.labels.map((l) => l.name),
    createdOn: scaleSet.createdOn,
    session: s
      ? {
          sessionId: s.id,
          ownerName: s.ownerName,
          createdAt: iso(s.createdAt),
          lastSeenAt: iso(s.lastSeenAt),
          live: sessions.isLive(s),
          queueTokenExpiresAt: iso(s.queueTokenExpiresAt),
          openPolls: s.openPolls,
        }
      : null,
    queue: {
      pending: scaleSet.pending.map((m) => ({ ...m })),
      unacked: scaleSet.unacked.map((m) => ({
        messageId: m.messageId,
        deliveries: m.deliveries,
        jobMessages: m.jobMessages.map((j) => ({ ...j })),
      })),
    },
    openPolls: s?.openPolls ?? 0,
    lastMaxCapacity: scaleSet.lastMaxCapacity,
    statistics: statisticsOf(store, scaleSet),
    runnerIds: [...store.runners.values()].filter((r) => r.scaleSetId === scaleSet.id).map((r) => r.id),
  };
}
