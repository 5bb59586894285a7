import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@gha-ephemeral/testkit';
import { describe, expect, it } from 'vitest';
import { collectEvents, uniqueName, waitForExit, type ContractContext } from './contract-context.js';

/** events: what is reported, in which order, for which containers, and how the stream ends. */
export function describeEventsContract(context: ContractContext): void {
  describe('events', () => {
    it('reports started, exited (with the exit code) and removed, in order, only for matching containers', async () => {
      const runtime = context.runtime();
      const labels = context.caseLabels();
      const controller = new AbortController();
      const { events, done } = collectEvents(runtime.events({ labels }, { signal: controller.signal }));
      try {
        const image = context.image();
        const command = ['sh', '-c', 'exit 3'];
        const matching = await runtime.create({ name: uniqueName('match'), image, command, env: {}, labels });
        const other = await runtime.create({
          name: uniqueName('other'),
          image,
          command,
          env: {},
          labels: context.caseLabels(),
        });
        await waitForExit(runtime, matching.id);
        await waitForExit(runtime, other.id);
        await runtime.remove(matching.id);
        await runtime.remove(other.id);

        await waitFor(
          () => events.some((event) => event.type === 'removed' && event.containerId === matching.id),
          {
            message: 'the removed event',
            timeoutMs: 30_000,
          },
        );
        const own = events.filter((event) => event.containerId === matching.id);
        expect(own.map((event) => event.type)).toEqual(['started', 'exited', 'removed']);
        expect(own[1]).toMatchObject({ type: 'exited', exitCode: 3, name: matching.name });
        for (const event of own) {
          expect(event.name).toBe(matching.name);
          expect(event.labels).toMatchObject(labels);
        }
        expect(events.filter((event) => event.containerId !== matching.id)).toEqual([]);
      } finally {
        controller.abort();
        await done;
      }
    });

    it('ends cleanly, without an error, when the signal aborts', async () => {
      const controller = new AbortController();
      const { events, done } = collectEvents(
        context.runtime().events({ labels: context.caseLabels() }, { signal: controller.signal }),
      );
      await sleep(200);
      controller.abort();
      await expect(done).resolves.toBeUndefined();
      expect(events).toEqual([]);
    });

    it('ends when the consumer stops iterating', async () => {
      const runtime = context.runtime();
      const labels = context.caseLabels();
      const controller = new AbortController();
      try {
        const iterator = runtime.events({ labels }, { signal: controller.signal })[Symbol.asyncIterator]();
        const first = iterator.next();
        await runtime.create({ name: uniqueName(), image: context.image(), env: {}, labels });
        expect((await first).value).toMatchObject({ type: 'started' });
        await expect(iterator.return?.()).resolves.toMatchObject({ done: true });
      } finally {
        controller.abort();
      }
    });
  });
}
