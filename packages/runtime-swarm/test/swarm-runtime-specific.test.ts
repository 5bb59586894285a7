import { createHash } from 'node:crypto';
import { isAppError } from '@gha-ephemeral/contract';
import { uniqueId, waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectEvents, waitForExit } from '../../runtime-docker/test/contract/contract-context.js';
import { SECRET_SERVICE_LABEL, SwarmRuntime, NOT_RUN_EXIT_CODE } from '../src/index.js';
import { createSwarmFixtures, testRuntimeOptions } from './swarm-fixtures.js';

const TEST_LABEL = 'gha-ephemeral.test';
// Quotes, a newline, `$`, a backslash and a backtick: a value that naive quoting would break or expand.
const SECRET = `jit'cfg "x" $HOME \`id\` \\n\nline2-${uniqueId('s')}`;

describe('SwarmRuntime on a real Swarm', () => {
  const runId = uniqueId('swarm');
  const docker = new Dockerode();
  const fixtures = createSwarmFixtures(() => ({}));
  let runtime: SwarmRuntime;
  let image: string;
  const labels = (extra: Record<string, string> = {}) => ({ [TEST_LABEL]: runId, ...extra });

  beforeAll(async () => {
    await fixtures.requireEngine();
    image = await fixtures.prepareTestImage();
    runtime = new SwarmRuntime(await testRuntimeOptions());
  });
  afterEach(() => fixtures.removeByLabel(TEST_LABEL, runId));
  afterAll(() => fixtures.removeByLabel(TEST_LABEL, runId));

  it('keeps every env value out of the service spec and its container, yet the runner gets it', async () => {
    const hash = createHash('sha256').update(SECRET).digest('hex');
    const check = `process.exit(require('crypto').createHash('sha256').update(process.env.TOKEN).digest('hex') === '${hash}' && process.env.ENTRYPOINT_RAN === '1' ? 5 : 1)`;
    const name = uniqueId('env');
    const created = await runtime.create({
      name,
      image,
      command: ['node', '-e', check],
      env: { TOKEN: SECRET, OTHER: 'plain-value-1234' },
      labels: labels(),
    });
    // The process saw the exact value, and the image's entrypoint still ran first.
    expect((await waitForExit(runtime, created.id)).exitCode).toBe(5);
    const inspected = JSON.stringify(await docker.getService(created.id).inspect());
    const taskList = await docker.listTasks({ filters: { service: [created.id] } });
    const tasks = JSON.stringify(taskList);
    const containerId = (
      taskList[0] as { Status?: { ContainerStatus?: { ContainerID?: string } } } | undefined
    )?.Status?.ContainerStatus?.ContainerID;
    const container = JSON.stringify(await docker.getContainer(containerId ?? 'missing').inspect());
    for (const text of [inspected, tasks, container]) {
      expect(text).not.toContain('plain-value-1234');
      expect(text).not.toContain(SECRET.slice(0, 10));
      expect(text).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 12));
    }
    const secrets = await docker.listSecrets({ filters: { label: [`${SECRET_SERVICE_LABEL}=${name}`] } });
    expect(secrets).toHaveLength(1);
    // The engine never gives a secret's content back.
    expect(JSON.stringify(await docker.getSecret(secrets[0]!.ID).inspect())).not.toContain(
      'plain-value-1234',
    );
  });

  it('removes the service, its running container and its secret, idempotently', async () => {
    const name = uniqueId('rm');
    const created = await runtime.create({ name, image, env: { TOKEN: SECRET }, labels: labels() });
    const secretsOf = () => docker.listSecrets({ filters: { label: [`${SECRET_SERVICE_LABEL}=${name}`] } });
    expect(await secretsOf()).toHaveLength(1);
    // A second create under the same name fails and leaves no secret of its own behind.
    await expect(runtime.create({ name, image, env: { TOKEN: SECRET }, labels: labels() })).rejects.toThrow(
      /already exists/,
    );
    expect(await secretsOf()).toHaveLength(1);
    const containersOf = () =>
      docker.listContainers({ all: true, filters: { label: [`com.docker.swarm.service.id=${created.id}`] } });
    expect(await containersOf()).toHaveLength(1);

    expect(await runtime.remove(name)).toBe(true);
    expect(await runtime.get(name)).toBeNull();
    expect(await secretsOf()).toEqual([]);
    expect(await runtime.remove(name)).toBe(false);
    // Docker leaves a deleted job's task running (moby/moby#42789): remove must have told it to go.
    await waitFor(async () => (await containersOf()).length === 0, {
      message: "the removed runner's container to go",
      timeoutMs: 20_000,
    });
  });

  it('reports exit codes 0 and non-zero in events and in list', async () => {
    const controller = new AbortController();
    const mark = labels({ 'gha-ephemeral.case': uniqueId('codes') });
    const { events, done } = collectEvents(runtime.events({ labels: mark }, { signal: controller.signal }));
    try {
      const ok = await runtime.create({
        name: uniqueId('ok'),
        image,
        command: ['true'],
        env: {},
        labels: mark,
      });
      const bad = await runtime.create({
        name: uniqueId('bad'),
        image,
        command: ['sh', '-c', 'exit 9'],
        env: { A: 'b' },
        labels: mark,
      });
      const exited = (id: string) =>
        events.find((event) => event.type === 'exited' && event.containerId === id);
      await waitFor(() => exited(ok.id) !== undefined && exited(bad.id) !== undefined, {
        message: 'both exited events',
        timeoutMs: 30_000,
      });
      expect(exited(ok.id)).toMatchObject({ exitCode: 0, name: ok.name });
      expect(exited(bad.id)).toMatchObject({ exitCode: 9, name: bad.name });
      const listed = await runtime.list({ labels: mark });
      expect(Object.fromEntries(listed.map((runner) => [runner.id, runner.exitCode]))).toEqual({
        [ok.id]: 0,
        [bad.id]: 9,
      });
    } finally {
      controller.abort();
      await done;
    }
  });

  it('reports a runner no node can take as exited, with the reason, once the placement bound passes', async () => {
    const controller = new AbortController();
    const mark = labels({ 'gha-ephemeral.case': uniqueId('nowhere') });
    const { events, done } = collectEvents(runtime.events({ labels: mark }, { signal: controller.signal }));
    try {
      const created = await runtime.create({
        name: uniqueId('nowhere'),
        image,
        env: {},
        labels: mark,
        placement: { constraints: ['node.labels.gha-pool==nowhere'] },
      });
      expect(created).toMatchObject({ state: 'created', exitCode: null });
      const exited = await waitFor(
        () => events.find((event) => event.type === 'exited' && event.containerId === created.id),
        { message: 'the exited event of an unplaceable runner', timeoutMs: 20_000 },
      );
      expect(exited).toMatchObject({
        exitCode: NOT_RUN_EXIT_CODE,
        reason: expect.stringMatching(/no suitable node/),
      });
      // It never ran: no started event.
      expect(events.filter((event) => event.type === 'started')).toEqual([]);
      expect(await runtime.list({ labels: mark })).toEqual([
        expect.objectContaining({ id: created.id, state: 'exited', exitCode: NOT_RUN_EXIT_CODE }),
      ]);
    } finally {
      controller.abort();
      await done;
    }
  });

  it('sweeps a secret whose service is gone, once it is older than any create could be', async () => {
    const secret = await docker.createSecret({
      Name: uniqueId('orphan-env'),
      Labels: labels({ [SECRET_SERVICE_LABEL]: uniqueId('gone') }),
      Data: Buffer.from('X=1').toString('base64'),
    });
    const filter = { labels: labels() };
    // Young: it may belong to a runner whose service is being created now.
    expect(await runtime.removeOrphanSecrets(filter)).toBe(0);
    expect(await runtime.removeOrphanSecrets(filter, { now: Date.now() + 11 * 60_000 })).toBe(1);
    await expect(docker.getSecret((secret as { id: string }).id).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('refuses privileged runners (an engine sidecar) with a clear runtime.failed, making nothing', async () => {
    const name = uniqueId('dind');
    const error: unknown = await runtime
      .create({ name, image, env: {}, labels: labels(), privileges: { privileged: true } })
      .catch((rejection: unknown) => rejection);
    expect(isAppError(error) && error.code).toBe('runtime.failed');
    expect((error as Error).message).toMatch(/Swarm.*docker runtime/);
    expect(await runtime.get(name)).toBeNull();
  });
});
