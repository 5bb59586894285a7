import { describe, expect, it } from 'vitest';
import { uniqueName, waitForExit, type ContractContext } from './contract-context.js';

/** list, get and remove. */
export function describeQueryContract(context: ContractContext): void {
  describe('list', () => {
    it('lists the containers in any state that carry ALL the given labels, and no others', async () => {
      const runtime = context.runtime();
      const shared = context.caseLabels();
      const image = context.image();
      const a = await runtime.create({
        name: uniqueName('a'),
        image,
        env: {},
        labels: { ...shared, role: 'a' },
      });
      const b = await runtime.create({
        name: uniqueName('b'),
        image,
        command: ['sh', '-c', 'exit 4'],
        env: {},
        labels: { ...shared, role: 'b' },
      });
      // Same run, other case: must never show up.
      await runtime.create({
        name: uniqueName('other'),
        image,
        env: {},
        labels: context.caseLabels({ role: 'a' }),
      });
      await waitForExit(runtime, b.id);

      const both = await runtime.list({ labels: shared });
      expect(both.map((container) => container.id).sort()).toEqual([a.id, b.id].sort());
      expect(both.find((container) => container.id === b.id)).toMatchObject({
        name: b.name,
        state: 'exited',
        exitCode: 4,
        labels: { ...shared, role: 'b' },
      });

      const onlyA = await runtime.list({ labels: { ...shared, role: 'a' } });
      expect(onlyA).toEqual([
        expect.objectContaining({ id: a.id, name: a.name, state: 'running', exitCode: null }),
      ]);
      expect(await runtime.list({ labels: { ...shared, role: 'none' } })).toEqual([]);
    });

    it('describes a container the same way get does', async () => {
      const runtime = context.runtime();
      const labels = context.caseLabels();
      const created = await runtime.create({ name: uniqueName(), image: context.image(), env: {}, labels });
      const [listed] = await runtime.list({ labels });
      expect(listed).toEqual(await runtime.get(created.id));
    });
  });

  describe('get', () => {
    it('finds a container by name and by id, and says null when there is none', async () => {
      const runtime = context.runtime();
      const name = uniqueName();
      const created = await runtime.create({
        name,
        image: context.image(),
        env: {},
        labels: context.caseLabels(),
      });
      expect(await runtime.get(name)).toMatchObject({ id: created.id, name });
      expect(await runtime.get(created.id)).toMatchObject({ id: created.id, name });
      expect(await runtime.get(uniqueName('missing'))).toBeNull();
    });
  });

  describe('remove', () => {
    it('removes a running container (killing it) and says true', async () => {
      const runtime = context.runtime();
      const created = await runtime.create({
        name: uniqueName(),
        image: context.image(),
        env: {},
        labels: context.caseLabels(),
      });
      expect(await runtime.remove(created.id)).toBe(true);
      expect(await runtime.get(created.id)).toBeNull();
    });

    it('removes an exited container by name, and is idempotent', async () => {
      const runtime = context.runtime();
      const name = uniqueName();
      await runtime.create({
        name,
        image: context.image(),
        command: ['sh', '-c', 'exit 0'],
        env: {},
        labels: context.caseLabels(),
      });
      await waitForExit(runtime, name);
      expect(await runtime.remove(name)).toBe(true);
      expect(await runtime.get(name)).toBeNull();
      expect(await runtime.remove(name)).toBe(false);
      expect(await runtime.remove(uniqueName('never-existed'))).toBe(false);
    });

    it('tolerates two removals of the same container at once', async () => {
      const runtime = context.runtime();
      const created = await runtime.create({
        name: uniqueName(),
        image: context.image(),
        env: {},
        labels: context.caseLabels(),
      });
      const results = await Promise.all([runtime.remove(created.id), runtime.remove(created.id)]);
      expect(results).toContain(true);
      expect(await runtime.get(created.id)).toBeNull();
    });
  });
}
