import { isAppError } from '@gha-ephemeral/contract';
import { removeContainersByLabel, requireDockerEngine, uniqueId, waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../src/index.js';
import { collectEvents, expectAppError, TEST_LABEL, waitForExit } from './contract/contract-context.js';
import { buildTestImage } from './docker-fixtures.js';
import { createRecordingLogger } from './recording-logger.js';
import { startSilentSocket } from './socket-servers.js';

// What only the Docker adapter promises, or what only it can be made to show: its container settings, its
// clean-up after a failed start, its logs, and its time bound on a hung engine.
const BASE_IMAGE = 'node:20-bookworm-slim';
const SECRET = 'jit-config-secret-5be0f3d8a1';
const runId = uniqueId('docker-runtime');
const labels = (): Record<string, string> => ({
  [TEST_LABEL]: runId,
  'gha-ephemeral.case': uniqueId('case'),
});
const docker = new Dockerode();
let testImage: string;

beforeAll(async () => {
  await requireDockerEngine();
  testImage = await buildTestImage(docker);
});
afterEach(async () => {
  await removeContainersByLabel(TEST_LABEL, runId);
});
afterAll(async () => {
  await removeContainersByLabel(TEST_LABEL, runId);
});

describe('DockerRuntime containers', () => {
  it('run under docker-init as PID 1, with no restart policy and no auto-removal', async () => {
    const runtime = new DockerRuntime();
    const created = await runtime.create({
      name: uniqueId('init'),
      image: BASE_IMAGE,
      command: ['sh', '-c', 'test "$(cat /proc/1/comm)" = docker-init'],
      env: {},
      labels: labels(),
    });
    // Still there after exiting (no auto-removal), so the exit code can be read.
    expect((await waitForExit(runtime, created.id)).exitCode).toBe(0);
    const { HostConfig } = await docker.getContainer(created.id).inspect();
    expect(HostConfig.RestartPolicy?.Name ?? 'no').toBe('no');
    expect(HostConfig.AutoRemove).toBe(false);
  });

  it('can run without an init', async () => {
    const runtime = new DockerRuntime({ init: false });
    const created = await runtime.create({
      name: uniqueId('no-init'),
      image: BASE_IMAGE,
      command: ['sh', '-c', 'test "$(cat /proc/1/comm)" = sh'],
      env: {},
      labels: labels(),
    });
    expect((await waitForExit(runtime, created.id)).exitCode).toBe(0);
  });

  it('lists a container it has listed before with its new state and its real exit code once it stops', async () => {
    const runtime = new DockerRuntime();
    const own = labels();
    const created = await runtime.create({
      name: uniqueId('relist'),
      image: BASE_IMAGE,
      command: ['sleep', '30'],
      env: {},
      labels: own,
    });
    const [running] = await runtime.list({ labels: own });
    expect(running).toMatchObject({ id: created.id, state: 'running', exitCode: null, labels: own });
    await docker.getContainer(created.id).kill({ signal: 'SIGTERM' });
    await waitFor(async () => (await runtime.list({ labels: own }))[0]?.state === 'exited', {
      timeoutMs: 10_000,
      message: 'the container was not listed as exited',
    });
    const [exited] = await runtime.list({ labels: own });
    // Killed by SIGTERM (docker-init forwards it): 143, read from the engine, not a remembered null.
    expect(exited).toMatchObject({
      id: created.id,
      state: 'exited',
      exitCode: 143,
      createdAt: running!.createdAt,
    });
  });
});

describe('DockerRuntime.create failures', () => {
  it('removes a container that was created but could not start, and says runtime.failed', async () => {
    // Without an init, a missing binary fails the start itself (under docker-init it is an exit code 127).
    const runtime = new DockerRuntime({ init: false });
    const name = uniqueId('no-start');
    const error = await expectAppError(
      runtime.create({
        name,
        image: BASE_IMAGE,
        command: ['/no/such/binary'],
        env: { JIT: SECRET },
        labels: labels(),
      }),
      'runtime.failed',
    );
    expect(error.message).toContain(name);
    expect(error.message).toMatch(/no\/such\/binary|not found|no such file/i);
    expect(error.message).not.toContain(SECRET);
    expect(await runtime.get(name)).toBeNull();
  });

  it('removes the container when aborted between create and start, and rejects with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const logger = createRecordingLogger((record) => {
      if (record.message === 'container created') controller.abort(reason);
    });
    const runtime = new DockerRuntime({ logger });
    const name = uniqueId('aborted');
    await expect(
      runtime.create({ name, image: testImage, env: {}, labels: labels() }, { signal: controller.signal }),
    ).rejects.toBe(reason);
    expect(await runtime.get(name)).toBeNull();
  });

  it('refuses an invalid env name before sending anything, naming the key but not the value', async () => {
    const runtime = new DockerRuntime();
    const name = uniqueId('bad-env');
    const error = await expectAppError(
      runtime.create({ name, image: testImage, env: { 'BAD=NAME': SECRET }, labels: labels() }),
      'runtime.failed',
    );
    expect(error.message).toContain('BAD=NAME');
    expect(error.message).not.toContain(SECRET);
    expect(await runtime.get(name)).toBeNull();
  });

  it('does not pull when pulling is disabled', async () => {
    const logger = createRecordingLogger();
    const runtime = new DockerRuntime({ logger, pullTimeoutMs: 0 });
    const image = `127.0.0.1:1/gha-ephemeral/missing-${runId}:none`;
    const error = await expectAppError(
      runtime.create({ name: uniqueId('no-pull'), image, env: {}, labels: labels() }),
      'runtime.image_unavailable',
    );
    expect(error.message).toContain('pulling is disabled');
    expect(logger.records.filter((record) => /pull/i.test(record.message ?? ''))).toEqual([]);
  });
});

describe('DockerRuntime logs', () => {
  it('logs the pull attempt, and never an env value, across success and every failure', async () => {
    const logger = createRecordingLogger();
    const runtime = new DockerRuntime({ logger, init: false });
    const env = { JIT_CONFIG: SECRET, RUNNER_NAME: 'visible-name' };
    const name = uniqueId('logged');
    await runtime.create({ name, image: testImage, env, labels: labels() });
    const attempts = [
      runtime.create({ name, image: testImage, env, labels: labels() }),
      runtime.create({
        name: uniqueId('nostart'),
        image: BASE_IMAGE,
        command: ['/no/such/binary'],
        env,
        labels: labels(),
      }),
      runtime.create({
        name: uniqueId('noimage'),
        image: `127.0.0.1:1/gha-ephemeral/missing-${runId}:none`,
        env,
        labels: labels(),
      }),
    ];
    const outcomes = await Promise.allSettled(attempts);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const outcome of outcomes) {
      const reason = (outcome as PromiseRejectedResult).reason as unknown;
      expect(isAppError(reason)).toBe(true);
    }
    expect(logger.records.some((record) => record.message === 'image missing; pulling it')).toBe(true);
    expect(logger.records.some((record) => record.message === 'image pull failed')).toBe(true);
    expect(logger.text()).not.toContain(SECRET);
  });
});

describe('DockerRuntime against a hung engine', () => {
  it('gives up after the request timeout with runtime.unavailable', async () => {
    const silent = await startSilentSocket();
    try {
      const runtime = new DockerRuntime({
        docker: new Dockerode({ socketPath: silent.path }),
        requestTimeoutMs: 500,
      });
      const error = await expectAppError(runtime.ping(), 'runtime.unavailable');
      expect(error.message).toMatch(/did not answer/);
      expect(error.message).toContain(silent.path);
    } finally {
      await silent.close();
    }
  });

  it('keeps retrying the event stream, logging why, and still ends cleanly on abort', async () => {
    const silent = await startSilentSocket();
    try {
      const logger = createRecordingLogger();
      const runtime = new DockerRuntime({
        docker: new Dockerode({ socketPath: silent.path }),
        logger,
        requestTimeoutMs: 200,
        eventsBackoff: { initialMs: 50, maxMs: 100 },
      });
      const controller = new AbortController();
      const { events, done } = collectEvents(
        runtime.events({ labels: labels() }, { signal: controller.signal }),
      );
      await waitFor(
        () => logger.records.filter((record) => record.fields && 'reason' in record.fields).length >= 2,
        { message: 'two failed connection attempts' },
      );
      controller.abort();
      await expect(done).resolves.toBeUndefined();
      expect(events).toEqual([]);
      expect(logger.records[0]).toMatchObject({
        level: 'warn',
        message: 'docker event stream failed; reconnecting',
        fields: { reason: 'no answer in time' },
      });
    } finally {
      await silent.close();
    }
  });
});
