import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureLocalImages,
  NODE_BASE_IMAGE,
  removeContainersByLabel,
  removeNetworksByLabel,
  requireDockerEngine,
  uniqueId,
} from '../src/index.js';

const LABEL = 'gha-ephemeral.test';
const runId = uniqueId('testkit');
const docker = new Dockerode();

beforeAll(async () => {
  await requireDockerEngine();
});
afterAll(async () => {
  await removeContainersByLabel(LABEL, runId);
  await removeNetworksByLabel(LABEL, runId);
});

async function makeContainer(labels: Record<string, string>, network?: string): Promise<string> {
  const container = await docker.createContainer({
    Image: NODE_BASE_IMAGE,
    Cmd: ['sleep', '600'],
    Labels: labels,
    HostConfig: network === undefined ? {} : { NetworkMode: network },
  });
  await container.start();
  return container.id;
}

describe('requireDockerEngine', () => {
  it('reports the engine version', async () => {
    expect((await requireDockerEngine()).apiVersion).toMatch(/^\d+\.\d+$/);
  });

  it('fails with how to get an engine when none answers', async () => {
    const previous = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    try {
      await expect(requireDockerEngine()).rejects.toThrow(/start dockerd or run \.ci\/run.*nonexistent/);
    } finally {
      if (previous === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = previous;
    }
  });
});

describe('removeContainersByLabel and removeNetworksByLabel', () => {
  it('remove exactly the labelled containers and networks, even a network still in use', async () => {
    const caseId = uniqueId('case');
    const network = uniqueId('net');
    await docker.createNetwork({ Name: network, Labels: { [LABEL]: runId, case: caseId } });
    const running = await makeContainer({ [LABEL]: runId, case: caseId }, network);
    const keep = await makeContainer({ [LABEL]: runId, case: 'other' });

    expect(await removeNetworksByLabel('case', caseId)).toBe(1);
    expect(await removeContainersByLabel('case', caseId)).toBe(1);
    await expect(docker.getContainer(running).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await docker.getContainer(keep).inspect()).State.Running).toBe(true);
    expect(await removeContainersByLabel('case', caseId)).toBe(0);

    // A label without a value matches any value.
    expect(await removeContainersByLabel(LABEL, runId)).toBe(1);
  });
});

describe('ensureLocalImages', () => {
  it('finds the base image present, or builds it', async () => {
    // The stand-in runner image may not be buildable yet in every checkout; the base image always is.
    await ensureLocalImages().catch((error: unknown) => {
      expect(String(error)).toMatch(/stand-in-runner/);
    });
    expect((await docker.getImage(NODE_BASE_IMAGE).inspect()).Id).toMatch(/^sha256:/);
  });
});
