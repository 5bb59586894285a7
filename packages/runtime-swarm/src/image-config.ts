import { AppError } from '@gha-ephemeral/contract';
import { engineStatusCode, pullImage, type RuntimeLogger } from '@gha-ephemeral/runtime-docker';
import type { SwarmEngine } from './swarm-engine.js';

/** What a runner's command line is made of when its spec leaves it to the image. */
export interface ImageConfig {
  entrypoint: string[];
  cmd: string[];
}

/** How {@link readImageConfig} fetches a missing image. */
export interface ImageFetchOptions {
  /** Bound on a pull; 0: never pull. */
  pullTimeoutMs: number;
  logger: RuntimeLogger;
  signal: AbortSignal | undefined;
}

/**
 * The image's ENTRYPOINT and CMD, as the manager's engine has it; pulled there once when missing. A Swarm service
 * is never made for an image the manager cannot find (`runtime.image_unavailable` instead). Other nodes need the
 * image too: one that lacks it and cannot pull it refuses the task, which then ends with a reason.
 */
export async function readImageConfig(
  engine: SwarmEngine,
  image: string,
  options: ImageFetchOptions,
): Promise<ImageConfig> {
  const inspect = () =>
    engine.request<{ Config?: { Entrypoint?: string[] | null; Cmd?: string[] | null } }>(
      `inspect image ${image}`,
      options.signal,
      { method: 'GET', path: `/images/${encodeURIComponent(image)}/json` },
    );
  for (let attempt = 1; ; attempt += 1) {
    try {
      const info = await inspect();
      return { entrypoint: info.Config?.Entrypoint ?? [], cmd: info.Config?.Cmd ?? [] };
    } catch (error) {
      if (engineStatusCode(error) !== 404) throw error;
      if (attempt > 1 || options.pullTimeoutMs <= 0) {
        throw new AppError(
          'runtime.image_unavailable',
          `Image "${image}" is not on the Swarm manager's engine${options.pullTimeoutMs <= 0 ? ' (pulling is disabled)' : ''}. ` +
            `Pull it (docker pull ${image}) or build it on every node, then try again.`,
          { cause: error, details: { image } },
        );
      }
      await pullImage(engine.docker, image, {
        timeoutMs: options.pullTimeoutMs,
        signal: options.signal,
        logger: options.logger,
        engineAddress: engine.context.engineAddress,
      });
    }
  }
}
