import { describe, expect, it } from 'vitest';
import {
  RESOLVE_SCRIPT,
  TEST_LABEL,
  expectAppError,
  uniqueName,
  waitForExit,
  type ContractContext,
} from './contract-context.js';

/** Serves TCP on every address at $PORT until killed. */
const SERVE_ALL =
  "require('net').createServer((s) => s.end('ok')).listen(Number(process.env.PORT), '0.0.0.0');";

/** Exits 0 once it connects to $TARGET:$PORT, 1 after 10 s of trying. */
const REACH = [
  "const net = require('net'); const deadline = Date.now() + 10000;",
  '(function attempt() {',
  '  const socket = net.connect({ host: process.env.TARGET, port: Number(process.env.PORT), timeout: 1000 });',
  "  socket.on('connect', () => process.exit(0));",
  '  const retry = () => { socket.destroy(); Date.now() > deadline ? process.exit(1) : setTimeout(attempt, 200); };',
  "  socket.on('error', retry); socket.on('timeout', retry);",
  '})();',
].join('\n');

/** Private networks (a runner and its engine sidecar): made open, joined as a second network, removed. */
export function describeNetworkContract(context: ContractContext): void {
  describe('private networks', () => {
    it('makes an open network and joins a container to it as a second network before it starts', async () => {
      const runtime = context.runtime();
      const labels = context.caseLabels();
      const usual = await context.fixtures.createNetwork(uniqueName('usual'), labels);
      const name = uniqueName('private');
      const networkLabels = { [TEST_LABEL]: context.runId() };
      const made = await runtime.ensureNetwork(name, { labels: networkLabels, interContainer: true });
      expect(made).toEqual({ name, created: true, interContainer: true });
      const server = uniqueName('engine');
      await runtime.create({
        name: server,
        image: context.image(),
        command: ['node', '-e', SERVE_ALL],
        env: { PORT: '2375' },
        labels,
        network: name,
      });
      // The name resolves at the client's first attempt: the network was there before its process started.
      const client = await runtime.create({
        name: uniqueName('runner'),
        image: context.image(),
        command: ['sh', '-c', `node -e "$RESOLVE" && node -e "$REACH"`],
        env: { TARGET: server, PORT: '2375', RESOLVE: RESOLVE_SCRIPT, REACH },
        labels,
        network: usual,
        extraNetworks: [name],
      });
      expect((await waitForExit(runtime, client.id)).exitCode).toBe(0);
    });

    it('refuses an extra network that does not exist, leaving nothing behind', async () => {
      const runtime = context.runtime();
      const labels = context.caseLabels();
      const name = uniqueName();
      await expectAppError(
        runtime.create({
          name,
          image: context.image(),
          env: {},
          labels,
          extraNetworks: [uniqueName('no-such-net')],
        }),
        'runtime.failed',
      );
      expect(await runtime.get(name)).toBeNull();
    });

    it('lists the networks that carry every given label, and only those', async () => {
      const runtime = context.runtime();
      const name = uniqueName('listed');
      const mark = { [TEST_LABEL]: context.runId(), 'gha-ephemeral.case': name };
      await runtime.ensureNetwork(name, { labels: mark });
      await runtime.ensureNetwork(uniqueName('other'), { labels: { [TEST_LABEL]: context.runId() } });
      const listed = await runtime.listNetworks({ labels: mark });
      expect(listed.map((network) => network.name)).toEqual([name]);
      expect(listed[0]?.labels).toMatchObject(mark);
      expect(Number.isNaN(Date.parse(listed[0]!.createdAt))).toBe(false);
    });

    it('removes a network with a container still on it (or refuses, touching nothing), idempotently', async () => {
      const runtime = context.runtime();
      const name = uniqueName('private');
      await runtime.ensureNetwork(name, { labels: { [TEST_LABEL]: context.runId() }, interContainer: true });
      const attached = await runtime.create({
        name: uniqueName('attached'),
        image: context.image(),
        env: {},
        labels: context.caseLabels(),
        extraNetworks: [name],
      });
      if (context.capabilities.detachesOnNetworkRemoval) {
        expect(await runtime.removeNetwork(name)).toBe(true);
        expect(await runtime.removeNetwork(name)).toBe(false);
        expect(await runtime.get(attached.id)).toMatchObject({ state: 'running' });
      } else {
        // It refuses while the container uses the network, and leaves both as they were.
        await expectAppError(runtime.removeNetwork(name), 'runtime.failed');
        expect(await runtime.get(attached.id)).toMatchObject({ state: 'running' });
        await runtime.remove(attached.id);
        expect(await runtime.removeNetwork(name)).toBe(true);
        expect(await runtime.removeNetwork(name)).toBe(false);
      }
      // Gone for real: making it again creates it.
      const again = await runtime.ensureNetwork(name, { labels: { [TEST_LABEL]: context.runId() } });
      expect(again.created).toBe(true);
    });
  });
}
