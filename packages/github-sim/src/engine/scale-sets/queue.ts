import type { JobMessage, QueueMessage, SimScaleSet } from '../../state/scale-set-types.js';
import { Waiters } from './waiters.js';

/** GitHub batches at most this many job messages into one queue message. */
export const MAX_JOB_MESSAGES_PER_BODY = 50;

/**
 * The scale sets' message queues. Job messages wait in `pending` until a poll batches them into a queue
 * message; that message is handed out again on every poll (to any later session too) until acknowledged.
 */
export class ScaleSetQueues {
  /** Long polls wait here, keyed by scale set id. */
  readonly waiters = new Waiters<number>();

  /** Adds a job message and wakes the scale set's polls. */
  enqueue(scaleSet: SimScaleSet, message: JobMessage): void {
    scaleSet.pending.push(message);
    this.waiters.wake(scaleSet.id);
  }

  /** The oldest unacknowledged message, or a new batch of pending job messages; undefined when none. */
  take(scaleSet: SimScaleSet): QueueMessage | undefined {
    const unacked = scaleSet.unacked[0];
    if (unacked) {
      unacked.deliveries += 1;
      return unacked;
    }
    if (scaleSet.pending.length === 0) return undefined;
    const message: QueueMessage = {
      messageId: scaleSet.nextMessageId++,
      jobMessages: scaleSet.pending.splice(0, MAX_JOB_MESSAGES_PER_BODY),
      deliveries: 1,
    };
    scaleSet.unacked.push(message);
    return message;
  }

  /** Acknowledges (deletes) a message; false when it was not waiting (acknowledging twice is harmless). */
  ack(scaleSet: SimScaleSet, messageId: number): boolean {
    const before = scaleSet.unacked.length;
    scaleSet.unacked = scaleSet.unacked.filter((m) => m.messageId !== messageId);
    return scaleSet.unacked.length !== before;
  }
}
