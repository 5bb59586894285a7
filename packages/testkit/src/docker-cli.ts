import { execFile } from 'node:child_process';

/**
 * The `docker` CLI, for the test helpers that drive engines Dockerode cannot reach (a node's nested engine through
 * `docker exec`) or that pipe one command into another: execFile, no shell, every call bounded in time.
 */

const DEFAULT_TIMEOUT_MS = 30_000;

/** A failed `docker` call, with what it wrote to stderr. */
export class DockerCliError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DockerCliError';
    this.stderr = stderr;
  }
}

/** Options of {@link docker}. */
export interface RunOptions {
  timeoutMs?: number;
  /** Said in errors instead of the arguments (which may hold a secret). */
  describe?: string;
}

/** Runs `docker ...args` and resolves its trimmed stdout. */
export function docker(args: readonly string[], options: RunOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const what = options.describe ?? `docker ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    execFile(
      'docker',
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout.trim());
          return;
        }
        const text = stderr.trim();
        const reason =
          error.killed === true
            ? `did not finish within ${Math.round(timeoutMs / 1000)} s`
            : (error as { code?: unknown }).code === 'ENOENT'
              ? 'the docker CLI is not installed (Debian: apt-get install docker.io)'
              : text || error.message;
        reject(new DockerCliError(`${what}: ${reason}`, text, { cause: error }));
      },
    );
  });
}

/** Like {@link docker}, but resolves null when stderr says the object does not exist. */
export async function dockerUnlessMissing(
  args: readonly string[],
  options: RunOptions = {},
): Promise<string | null> {
  try {
    return await docker(args, options);
  } catch (error) {
    if (error instanceof DockerCliError && /no such|not found|not exist/i.test(error.stderr)) return null;
    throw error;
  }
}

/** The non-blank lines of a CLI's output, trimmed: ids from `--quiet`, rows from `--format`. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
