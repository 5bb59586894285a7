import { randomUUID } from 'node:crypto';
import { randomHex } from '../../state/ids.js';
import type { SimStore } from '../../state/store.js';
import type { QueueMessage, ScaleSetSession, SimScaleSet } from '../../state/scale-set-types.js';
import { ActionsServiceError, unauthorized } from './actions-error.js';
import type { ScaleSetQueues } from './queue.js';

/** A scale set and its session, as a message queue token finds them. */
export interface QueueAccess {
  scaleSet: SimScaleSet;
  session: ScaleSetSession;
}

/**
 * Message sessions of scale sets: one live session per set, message queue tokens, the long poll, and the
 * expiry of sessions that stopped polling.
 */
export class ScaleSetSessions {
  private closed = false;

  constructor(
    private readonly store: SimStore,
    private readonly queues: ScaleSetQueues,
  ) {}

  /** Whether a session still counts: it is polling, or it polled within `sessionIdleTimeoutMs`. */
  isLive(session: ScaleSetSession, now = Date.now()): boolean {
    return session.openPolls > 0 || now - session.lastSeenAt < this.store.actions.sessionIdleTimeoutMs;
  }

  /** Opens a session; 409 `RunnerScaleSetSessionConflictException` while another one is live. */
  create(scaleSet: SimScaleSet, ownerName: string): ScaleSetSession {
    if (scaleSet.session && this.isLive(scaleSet.session)) {
      throw new ActionsServiceError(
        409,
        'RunnerScaleSetSessionConflictException',
        `The scale set ${scaleSet.name} already has an active session for owner ${scaleSet.session.ownerName}.`,
      );
    }
    const now = Date.now();
    scaleSet.session = {
      id: randomUUID(),
      ownerName,
      createdAt: now,
      lastSeenAt: now,
      queueToken: '',
      queueTokenExpiresAt: 0,
      openPolls: 0,
    };
    this.issueQueueToken(scaleSet.session);
    this.queues.waiters.wake(scaleSet.id);
    this.store.changed();
    return scaleSet.session;
  }

  /** The scale set's session with this id, or 404 `RunnerScaleSetSessionNotFoundException`. */
  require(scaleSet: SimScaleSet, sessionId: string): ScaleSetSession {
    const session = scaleSet.session;
    if (!session || session.id !== sessionId.toLowerCase()) {
      throw new ActionsServiceError(
        404,
        'RunnerScaleSetSessionNotFoundException',
        `Session ${sessionId} not found.`,
      );
    }
    return session;
  }

  /** Refreshes a session: a new message queue token (the old one stops working). */
  refresh(session: ScaleSetSession): ScaleSetSession {
    session.lastSeenAt = Date.now();
    this.issueQueueToken(session);
    return session;
  }

  /** Ends a scale set's session; its open polls answer 401. Messages stay queued for the next session. */
  end(scaleSet: SimScaleSet): boolean {
    if (!scaleSet.session) return false;
    scaleSet.session = null;
    this.queues.waiters.wake(scaleSet.id);
    this.store.changed();
    return true;
  }

  /** Finds the session a message queue token belongs to, or 401 when unknown, replaced or expired. */
  authenticate(token: string | undefined, scaleSetId?: number): QueueAccess {
    for (const scaleSet of this.store.scaleSets.values()) {
      const session = scaleSet.session;
      if (!token || !session || session.queueToken !== token) continue;
      if (scaleSetId !== undefined && scaleSet.id !== scaleSetId) break;
      if (session.queueTokenExpiresAt <= Date.now()) break;
      return { scaleSet, session };
    }
    throw unauthorized('The message queue access token');
  }

  /** Makes queue tokens expire now (of one scale set, or of all); returns how many. */
  expireQueueTokens(scaleSetId?: number): number {
    let count = 0;
    for (const scaleSet of this.store.scaleSets.values()) {
      if (!scaleSet.session || (scaleSetId !== undefined && scaleSet.id !== scaleSetId)) continue;
      scaleSet.session.queueTokenExpiresAt = Date.now() - 1;
      count += 1;
    }
    return count;
  }

  /**
   * The long poll: a waiting or new message at once, else waits up to `longPollMs` and answers undefined
   * (202). Throws 401 when the session ends meanwhile.
   */
  async poll(
    access: QueueAccess,
    maxCapacity: number | null,
    signal: AbortSignal,
  ): Promise<QueueMessage | undefined> {
    const { scaleSet, session } = access;
    if (maxCapacity !== null) scaleSet.lastMaxCapacity = maxCapacity;
    const deadline = Date.now() + this.store.actions.longPollMs;
    session.openPolls += 1;
    session.lastSeenAt = Date.now();
    try {
      for (;;) {
        // The token was checked when the poll began; only the session ending cuts a poll short.
        if (scaleSet.session !== session) throw unauthorized('The message queue access token');
        if (this.closed || signal.aborted) return undefined;
        const message = this.queues.take(scaleSet);
        if (message) return message;
        const remaining = deadline - Date.now();
        if (remaining <= 0) return undefined;
        await this.queues.waiters.wait(scaleSet.id, remaining, signal);
      }
    } finally {
      session.openPolls -= 1;
      session.lastSeenAt = Date.now();
    }
  }

  /** Ends sessions that stopped polling. */
  sweep(now = Date.now()): void {
    for (const scaleSet of this.store.scaleSets.values()) {
      if (scaleSet.session && !this.isLive(scaleSet.session, now)) this.end(scaleSet);
    }
  }

  /** Answers every open poll now, and every later one at once (the simulator is closing). */
  close(): void {
    this.closed = true;
    this.queues.waiters.wakeAll();
  }

  private issueQueueToken(session: ScaleSetSession): void {
    session.queueToken = randomHex(32);
    session.queueTokenExpiresAt = Date.now() + this.store.actions.queueTokenLifetimeMs;
  }
}
