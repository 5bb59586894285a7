import { removeContainersByLabel, requireDockerEngine, uniqueId, waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../src/index.js';
import { collectEvents, TEST_LABEL } from './contract/contract-context.js';
import { buildTestImage } from './docker-fixtures.js';
import { createRecordingLogger } from './recording-logger.js';
import { startSocketProxy, type TestSocketServer } from './socket-servers.js';

const runId = uniqueId('docker-events');
let testImage: string;
let proxy: TestSocketServer;

beforeAll(async () => {
  await requireDockerEngine();
  testImage = await buildTestImage();
  proxy = await startSocketProxy(process.env.DOCKER_SOCKET ?? '/var/run/docker.sock');
});
afterAll(async () => {
  await proxy?.close();
  await removeContainersByLabel(TEST_LABEL, runId);
});

describe('DockerRuntime.events when the stream drops', () => {
  it('reconnects, replays what happened while it was down, and reports nothing twice', async () => {
    const logger = createRecordingLogger();
    // Events go through the proxy, which the test cuts; containers are made directly on the engine.
    const watcher = new DockerRuntime({
      docker: new Dockerode({ socketPath: proxy.path }),
      logger,
      eventsBackoff: { initialMs: 300, maxMs: 600 },
    });
    const runtime = new DockerRuntime();
    const labels = { [TEST_LABEL]: runId, 'gha-ephemeral.case': uniqueId('case') };
    const controller = new AbortController();
    const { events, resumed, done } = collectEvents(
      watcher.events({ labels }, { signal: controller.signal }),
    );
    try {
      const first = await runtime.create({ name: uniqueId('first'), image: testImage, env: {}, labels });
      await waitFor(() => events.some((event) => event.containerId === first.id), {
        message: 'the first start event',
      });

      proxy.dropConnections();
      // Started while no stream is connected: only the replay after reconnecting can report it.
      const second = await runtime.create({ name: uniqueId('second'), image: testImage, env: {}, labels });
      await waitFor(() => events.some((event) => event.containerId === second.id), {
        message: 'the second start event, after reconnecting',
        timeoutMs: 20_000,
      });
      await runtime.remove(first.id);
      await waitFor(
        () => events.some((event) => event.type === 'removed' && event.containerId === first.id),
        {
          message: 'the removed event of the first container',
          timeoutMs: 20_000,
        },
      );

      const started = events.filter((event) => event.type === 'started').map((event) => event.containerId);
      expect(started).toEqual([first.id, second.id]);
      expect(events.filter((event) => event.containerId === first.id).map((event) => event.type)).toEqual([
        'started',
        'exited',
        'removed',
      ]);
      expect(logger.records.some((record) => /reconnect/.test(record.message ?? ''))).toBe(true);
      // Consumers are told the stream was cut, so they can look for what the gap may have hidden.
      expect(resumed()).toBeGreaterThanOrEqual(1);
    } finally {
      controller.abort();
      await done;
    }
  });
});
