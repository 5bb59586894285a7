import type { ContainerEvent } from '@gha-ephemeral/runtime-docker';
import type { DescribedRunner } from './runner-mapping.js';

interface Tracked {
  name: string;
  labels: Record<string, string>;
  started: boolean;
  exited: boolean;
}

/**
 * Turns successive listings of the runners into the port's events: `started` when a task is first seen running,
 * `exited` (with its exit code and reason) when it is first seen ended, `removed` when its service is gone. A task
 * that ran and ended between two listings gets both, in order; one that never ran (no node took it) only
 * `exited`. A service removed while it ran gets `exited` (no exit code) then `removed`, as a container
 * force-removed on Docker does.
 *
 * Runners in the first listing are the past: their present state is taken as already reported, unless they
 * were created at or after `since` (the engine's clock when the watch began).
 */
export class RunnerTracker {
  private readonly known = new Map<string, Tracked>();
  private first = true;

  constructor(private readonly since: number | null) {}

  /** True when a known runner has not ended yet: then the watch looks often. */
  hasLive(): boolean {
    for (const runner of this.known.values()) if (!runner.exited) return true;
    return false;
  }

  /** The events that lead from the previous listing to this one. */
  next(listing: readonly DescribedRunner[]): ContainerEvent[] {
    const events: ContainerEvent[] = [];
    const seen = new Set<string>();
    for (const { container, ran } of listing) {
      seen.add(container.id);
      let tracked = this.known.get(container.id);
      if (tracked === undefined) {
        tracked = { name: container.name, labels: container.labels, started: false, exited: false };
        this.known.set(container.id, tracked);
        if (this.first && !this.isNew(container.createdAt)) {
          tracked.started = container.state !== 'created';
          tracked.exited = container.state === 'exited' || container.state === 'dead';
        }
      }
      const base = { containerId: container.id, name: tracked.name, labels: tracked.labels };
      const ended = container.state === 'exited' || container.state === 'dead';
      if (!tracked.started && (container.state === 'running' || (ended && ran))) {
        tracked.started = true;
        events.push({ type: 'started', ...base });
      }
      if (ended && !tracked.exited) {
        tracked.exited = true;
        const event: ContainerEvent = { type: 'exited', ...base, exitCode: container.exitCode };
        if (container.reason !== undefined) event.reason = container.reason;
        events.push(event);
      }
    }
    for (const [id, tracked] of this.known) {
      if (seen.has(id)) continue;
      const base = { containerId: id, name: tracked.name, labels: tracked.labels };
      if (tracked.started && !tracked.exited) {
        events.push({ type: 'exited', ...base, exitCode: null, reason: 'its service was removed' });
      }
      events.push({ type: 'removed', ...base });
      this.known.delete(id);
    }
    this.first = false;
    return events;
  }

  private isNew(createdAt: string): boolean {
    return this.since !== null && Date.parse(createdAt) >= this.since;
  }
}
