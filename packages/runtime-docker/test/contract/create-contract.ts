import { freePort } from '@gha-ephemeral/testkit';
import { describe, expect, it } from 'vitest';
import {
  CONNECT_SCRIPT,
  RESOLVE_SCRIPT,
  SERVE_SCRIPT,
  expectAppError,
  uniqueName,
  waitForExit,
  type ContractContext,
} from './contract-context.js';

/** ping, and create: what the container gets (env, labels, command, entrypoint, network), conflicts, aborts. */
export function describeCreateContract(context: ContractContext): void {
  describe('ping', () => {
    it('reports the engine version and API version', async () => {
      const info = await context.runtime().ping();
      expect(info.version).toMatch(/\S/);
      expect(info.apiVersion).toMatch(/\S/);
    });
  });

  describe('create', () => {
    it('starts a container with the env, the labels, and a command that replaces CMD but keeps ENTRYPOINT', async () => {
      const runtime = context.runtime();
      const name = uniqueName();
      const labels = context.caseLabels({ 'gha-ephemeral.runner': name });
      // Exit code 7 proves all three at once: the entrypoint ran, the env arrived, and our command replaced CMD.
      const command = [
        'sh',
        '-c',
        'test "$ENTRYPOINT_RAN" = 1 && test "$GREETING" = "hello, world" && exit 7; exit 1',
      ];
      const before = Date.now();
      const created = await runtime.create(
        { name, image: context.image(), command, env: { GREETING: 'hello, world' }, labels },
        {},
      );
      expect(created).toMatchObject({ name, image: context.image() });
      expect(created.id).toMatch(context.capabilities.idPattern);
      expect(created.labels).toMatchObject(labels);
      expect(['running', 'exited']).toContain(created.state);
      // It may already have ended: the exit code is there exactly when it has.
      expect(created.exitCode).toBe(created.state === 'exited' ? 7 : null);
      // A loose window: the engine's clock, not the test's speed, is what is checked here.
      expect(Math.abs(Date.parse(created.createdAt) - before)).toBeLessThan(5 * 60_000);

      const exited = await waitForExit(runtime, created.id);
      expect(exited).toMatchObject({ id: created.id, state: 'exited', exitCode: 7 });
    });

    it("runs the image's own CMD when no command is given", async () => {
      const runtime = context.runtime();
      const name = uniqueName();
      await runtime.create({ name, image: context.image(), env: {}, labels: context.caseLabels() });
      const container = await runtime.get(name);
      // The image's CMD sleeps, so the container keeps running.
      expect(container).toMatchObject({ name, state: 'running', exitCode: null });
    });

    it("joins the host's network namespace with network 'host'", async () => {
      const runtime = context.runtime();
      const port = String(await freePort());
      const image = context.image();
      await runtime.create({
        name: uniqueName('server'),
        image,
        command: ['node', '-e', SERVE_SCRIPT],
        env: { PORT: port },
        labels: context.caseLabels(),
        network: 'host',
      });
      // Only containers that share one network namespace can meet on 127.0.0.1.
      const client = await runtime.create({
        name: uniqueName('client'),
        image,
        command: ['node', '-e', CONNECT_SCRIPT],
        env: { PORT: port, WITHIN_MS: '20000' },
        labels: context.caseLabels(),
        network: 'host',
      });
      expect((await waitForExit(runtime, client.id)).exitCode).toBe(0);

      const isolated = await runtime.create({
        name: uniqueName('isolated'),
        image,
        command: ['node', '-e', CONNECT_SCRIPT],
        env: { PORT: port, WITHIN_MS: '1500' },
        labels: context.caseLabels(),
      });
      expect((await waitForExit(runtime, isolated.id)).exitCode).toBe(1);
    });

    it('joins a user-defined network, where containers find each other by name', async () => {
      const runtime = context.runtime();
      const labels = context.caseLabels();
      const network = await context.fixtures.createNetwork(uniqueName('net'), labels);
      const target = uniqueName('target');
      await runtime.create({ name: target, image: context.image(), env: {}, labels, network });
      // Name resolution between containers exists only on user-defined networks.
      const probe = await runtime.create({
        name: uniqueName('probe'),
        image: context.image(),
        command: ['node', '-e', RESOLVE_SCRIPT],
        env: { TARGET: target },
        labels,
        network,
      });
      expect((await waitForExit(runtime, probe.id)).exitCode).toBe(0);
    });

    it('fails with runtime.failed on a network that does not exist, leaving nothing behind', async () => {
      const runtime = context.runtime();
      const labels = context.caseLabels();
      const name = uniqueName();
      await expectAppError(
        runtime.create({ name, image: context.image(), env: {}, labels, network: uniqueName('no-such-net') }),
        'runtime.failed',
      );
      expect(await runtime.list({ labels })).toEqual([]);
      expect(await runtime.get(name)).toBeNull();
    });

    it('refuses a name already in use with a clear runtime.failed, without touching the existing container', async () => {
      const runtime = context.runtime();
      const name = uniqueName();
      const first = await runtime.create({
        name,
        image: context.image(),
        env: {},
        labels: context.caseLabels(),
      });
      const secret = 'conflict-secret-3f9a1c';
      const error = await expectAppError(
        runtime.create({
          name,
          image: context.image(),
          env: { TOKEN: secret },
          labels: context.caseLabels(),
        }),
        'runtime.failed',
      );
      expect(error.message).toContain(name);
      expect(error.message).toMatch(/already exists|in use/);
      expect(error.message).not.toContain(secret);
      expect(error.retryable).toBe(false);
      expect(await runtime.get(name)).toMatchObject({ id: first.id, state: 'running' });
    });

    it('rejects with the abort reason and creates nothing when the signal is already aborted', async () => {
      const runtime = context.runtime();
      const labels = context.caseLabels();
      const reason = new Error('stop now');
      const signal = AbortSignal.abort(reason);
      await expect(
        runtime.create({ name: uniqueName(), image: context.image(), env: {}, labels }, { signal }),
      ).rejects.toBe(reason);
      await expect(runtime.list({ labels }, { signal })).rejects.toBe(reason);
      expect(await runtime.list({ labels })).toEqual([]);
    });
  });
}
