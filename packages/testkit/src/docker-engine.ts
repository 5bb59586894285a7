import { DockerRuntime } from '@gha-ephemeral/runtime-docker';

/** What {@link requireDockerEngine} found. */
export interface DockerEngineInfo {
  version: string;
  apiVersion: string;
}

/**
 * Checks that a Docker engine answers (`DOCKER_HOST`, else `/var/run/docker.sock`). Integration tests call it
 * first so that a missing engine FAILS them with an explanation instead of skipping them or timing out.
 * @throws an `Error` that says how to get an engine: start dockerd or run `.ci/run`.
 */
export async function requireDockerEngine(options: { timeoutMs?: number } = {}): Promise<DockerEngineInfo> {
  const runtime = new DockerRuntime({ requestTimeoutMs: options.timeoutMs ?? 10_000 });
  try {
    return await runtime.ping();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `No Docker engine answers, and these tests need a real one: start dockerd or run .ci/run. (${reason})`,
      { cause: error },
    );
  }
}
