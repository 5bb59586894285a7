import type { Readable } from 'node:stream';
import { AppError } from '@gha-ephemeral/contract';
import type Dockerode from 'dockerode';
import { engineMessage, engineUnavailableError, isEngineUnreachable } from './docker-errors.js';
import { readJsonLines } from './json-lines.js';
import type { RuntimeLogger } from './logger.js';

/** How {@link pullImage} runs. */
export interface PullImageOptions {
  /** Bound on the whole pull. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  logger: RuntimeLogger;
  engineAddress: string;
}

// Progress arrives many times a second per layer: log it at info at most this often.
const PROGRESS_LOG_INTERVAL_MS = 5_000;

/** One line of the engine's pull progress. */
interface PullProgress {
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * `docker pull <image>`, with progress logged and a time bound. Rejects with the caller's abort reason,
 * `runtime.unavailable` when the engine cannot be reached, else `runtime.image_unavailable` naming the image.
 */
export async function pullImage(docker: Dockerode, image: string, options: PullImageOptions): Promise<void> {
  const { logger, signal } = options;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
  const startedAt = Date.now();
  logger.info({ image }, 'image missing; pulling it');
  let stream: Readable | undefined;
  // The engine keeps streaming progress after the request's signal fires; destroying the stream ends our read.
  const onAbort = (): void => void stream?.destroy();
  combined.addEventListener('abort', onAbort, { once: true });
  try {
    stream = (await docker.pull(image, { abortSignal: combined })) as Readable;
    let lastLoggedAt = 0;
    for await (const { value } of readJsonLines(stream)) {
      const progress = value as PullProgress;
      if (progress.error !== undefined) throw new Error(progress.errorDetail?.message ?? progress.error);
      const fields = { image, status: progress.status, layer: progress.id, progress: progress.progress };
      if (Date.now() - lastLoggedAt >= PROGRESS_LOG_INTERVAL_MS) {
        lastLoggedAt = Date.now();
        logger.info(fields, 'pulling image');
      } else {
        logger.debug(fields, 'pulling image');
      }
    }
    combined.throwIfAborted();
    logger.info({ image, durationMs: Date.now() - startedAt }, 'image pulled');
  } catch (error) {
    throw toPullError(error, image, options, timeout);
  } finally {
    combined.removeEventListener('abort', onAbort);
    stream?.destroy();
  }
}

function toPullError(
  error: unknown,
  image: string,
  options: PullImageOptions,
  timeout: AbortSignal,
): unknown {
  if (options.signal?.aborted === true) return options.signal.reason;
  const fix = `Pull it (docker pull ${image}) or build it on the engine, then try again.`;
  let reason: string;
  if (timeout.aborted) {
    reason = `pulling it did not finish within ${Math.round(options.timeoutMs / 1000)} s`;
  } else if (isEngineUnreachable(error)) {
    return engineUnavailableError(error, options.engineAddress);
  } else {
    reason = `pulling it failed: ${engineMessage(error)}`;
  }
  options.logger.warn({ image, reason }, 'image pull failed');
  return new AppError(
    'runtime.image_unavailable',
    `Image "${image}" is not on the Docker engine and ${reason}. ${fix}`,
    {
      cause: error,
      details: { image },
    },
  );
}
