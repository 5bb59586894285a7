import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { removeContainersByLabel, removeNetworksByLabel, requireDockerEngine } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { DockerRuntime } from '../src/index.js';
import type { RuntimeContractFixtures } from './runtime-contract.js';

/** The contract's test image: an ENTRYPOINT that marks it ran, then execs its arguments; a CMD that sleeps. */
export const TEST_IMAGE = 'gha-ephemeral/test-entrypoint:local';

const DOCKERFILE = `FROM node:20-bookworm-slim
COPY entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/bin/sh", "/entrypoint.sh"]
CMD ["sleep", "600"]
`;

const ENTRYPOINT = `#!/bin/sh
# Proves to a test that the image's entrypoint ran before the command.
export ENTRYPOINT_RAN=1
exec "$@"
`;

/**
 * Builds {@link TEST_IMAGE} through the engine's API (the classic builder: no registry is needed when the base
 * image is local). Cheap when nothing changed: the build cache answers.
 */
export async function buildTestImage(docker: Dockerode = new Dockerode()): Promise<string> {
  const context = await mkdtemp(join(tmpdir(), 'gha-test-image-'));
  try {
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE);
    await writeFile(join(context, 'entrypoint.sh'), ENTRYPOINT, { mode: 0o755 });
    const stream = (await docker.buildImage(
      { context, src: ['Dockerfile', 'entrypoint.sh'] },
      { t: TEST_IMAGE },
    )) as Readable;
    const output = await new Promise<Array<{ error?: string }>>((resolve, reject) =>
      docker.modem.followProgress(stream, (error, result) =>
        error ? reject(error) : resolve(result as Array<{ error?: string }>),
      ),
    );
    const failed = output.find((line) => line.error !== undefined);
    if (failed !== undefined) throw new Error(`building ${TEST_IMAGE} failed: ${failed.error}`);
    return TEST_IMAGE;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/** The contract's fixtures on the local Docker engine. */
export function createDockerFixtures(docker: Dockerode = new Dockerode()): RuntimeContractFixtures {
  return {
    requireEngine: async () => {
      await requireDockerEngine();
    },
    prepareTestImage: () => buildTestImage(docker),
    createNetwork: async (name, labels) => {
      await docker.createNetwork({ Name: name, Driver: 'bridge', Labels: { ...labels } });
      return name;
    },
    removeByLabel: async (label, value) => {
      await removeContainersByLabel(label, value);
      await removeNetworksByLabel(label, value);
    },
    makeUnreachableRuntime: () =>
      new DockerRuntime({
        docker: new Dockerode({ socketPath: join(tmpdir(), 'gha-ephemeral-no-such-engine.sock') }),
      }),
  };
}
