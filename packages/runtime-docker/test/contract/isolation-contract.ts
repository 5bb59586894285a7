import { describe, expect, it } from 'vitest';
import { TEST_LABEL, uniqueName, waitForExit, type ContractContext } from './contract-context.js';

/** A node program that serves TCP on every address at $PORT until killed. */
const SERVE_ALL =
  "require('net').createServer((s) => s.end('ok')).listen(Number(process.env.PORT), '0.0.0.0');";

/** Exits 0 once it connects to $TARGET:$PORT, 1 after $WITHIN_MS of trying, 2 when the name does not resolve. */
const REACH = [
  "const net = require('net');",
  'const deadline = Date.now() + Number(process.env.WITHIN_MS);',
  '(function attempt() {',
  '  const socket = net.connect({ host: process.env.TARGET, port: Number(process.env.PORT), timeout: 1000 });',
  "  socket.on('connect', () => process.exit(0));",
  "  const retry = (error) => { if (error?.code === 'ENOTFOUND') process.exit(2); socket.destroy(); Date.now() > deadline ? process.exit(1) : setTimeout(attempt, 200); };",
  "  socket.on('error', retry); socket.on('timeout', retry);",
  '})();',
].join('\n');

/** Spawns 100 sleeping processes; exits 3 when the engine refused some (a pids limit), 4 when all ran. */
const FORK_MANY = [
  "const cp = require('child_process'); let failed = 0;",
  "for (let i = 0; i < 100; i++) { try { cp.spawn('sleep', ['5']).on('error', () => failed++); } catch { failed++; } }",
  'setTimeout(() => process.exit(failed > 0 ? 3 : 4), 1000);',
].join('\n');

/** Holds 320 MB; exits 0 if it could. */
const HOG =
  'const b = []; for (let i = 0; i < 40; i++) b.push(Buffer.alloc(8 * 1024 * 1024, 1)); process.exit(0);';

/** Runner networks and limits: what keeps one hostile job from its neighbours and from the host. */
export function describeIsolationContract(context: ContractContext): void {
  describe('isolation', () => {
    /** Starts a server and a client on `network`; the client's exit code says whether it reached the server. */
    async function reachOver(network: string): Promise<number | null> {
      const runtime = context.runtime();
      const server = uniqueName('srv');
      await runtime.create({
        name: server,
        image: context.image(),
        command: ['node', '-e', SERVE_ALL],
        env: { PORT: '8000' },
        labels: context.caseLabels(),
        network,
      });
      const client = await runtime.create({
        name: uniqueName('cli'),
        image: context.image(),
        command: ['node', '-e', REACH],
        env: { TARGET: server, PORT: '8000', WITHIN_MS: '4000' },
        labels: context.caseLabels(),
        network,
      });
      return (await waitForExit(runtime, client.id)).exitCode;
    }

    it('makes a runner network on which containers cannot reach each other (or says they can), once', async () => {
      const runtime = context.runtime();
      const name = uniqueName('net');
      const labels = { [TEST_LABEL]: context.runId() };
      // An adapter that cannot isolate must not pretend to: it reports the network as open.
      const isolates = context.capabilities.isolatedNetworks;
      expect(await runtime.ensureNetwork(name, { labels })).toEqual({
        name,
        created: true,
        interContainer: !isolates,
      });
      expect(await runtime.ensureNetwork(name, { labels })).toEqual({
        name,
        created: false,
        interContainer: !isolates,
      });
      // The same two containers reach each other on an ordinary network: the refusal is the runner network's.
      const open = await context.fixtures.createNetwork(uniqueName('open'), labels);
      expect(await runtime.ensureNetwork(open)).toMatchObject({ created: false, interContainer: true });
      expect(await reachOver(open)).toBe(0);
      expect(await reachOver(name)).toBe(isolates ? 1 : 0);
    });

    it('holds a container to its pids limit', async () => {
      const runtime = context.runtime();
      const run = (pidsLimit: number) =>
        runtime.create({
          name: uniqueName('pids'),
          image: context.image(),
          command: ['node', '-e', FORK_MANY],
          env: {},
          labels: context.caseLabels(),
          limits: { pidsLimit },
        });
      const limited = await run(64);
      const free = await run(0);
      expect((await waitForExit(runtime, limited.id)).exitCode).toBe(3);
      expect((await waitForExit(runtime, free.id)).exitCode).toBe(4);
    });

    it('kills a container over its memory limit, with no swap to hide in', async () => {
      const runtime = context.runtime();
      const run = (memoryBytes: number) =>
        runtime.create({
          name: uniqueName('mem'),
          image: context.image(),
          command: ['node', '-e', HOG],
          env: {},
          labels: context.caseLabels(),
          limits: { memoryBytes },
        });
      const limited = await run(128 * 1024 ** 2);
      const free = await run(0);
      expect((await waitForExit(runtime, limited.id)).exitCode).toBe(137);
      expect((await waitForExit(runtime, free.id)).exitCode).toBe(0);
    });
  });
}
