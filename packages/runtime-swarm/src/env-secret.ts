import { randomBytes } from 'node:crypto';
import { AppError } from '@gha-ephemeral/contract';

/** Where the Swarm mounts a service's secrets. */
export const SECRETS_DIR = '/run/secrets';

/** The label that ties an env secret to its runner's service (by name), for clean-up. */
export const SECRET_SERVICE_LABEL = 'gha-ephemeral.swarm.service';

/**
 * The wrapper that loads the env file before the real program. It runs as `sh -c WRAPPER <file> <argv...>`: `$0`
 * is the file, `"$@"` the original entrypoint and command. `set -a` exports every assignment the file makes; `exec`
 * leaves the runner as the process the engine's init watches, so signals and the exit code are its own.
 */
export const ENV_WRAPPER = 'set -a && . "$0" && set +a && exec "$@"';

// What a POSIX shell accepts as a variable name; anything else cannot be set by sourcing a file.
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Refuses names a shell cannot assign: the message names the key only, never a value. */
export function assertShellNames(env: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(env)) {
    if (!SHELL_NAME.test(key)) {
      throw new AppError(
        'runtime.failed',
        `Environment variable name ${JSON.stringify(key)} cannot be passed to a Swarm runner: on Swarm the ` +
          'environment is loaded by a shell, which only takes letters, digits and "_" (not starting with a digit).',
        { retryable: false },
      );
    }
  }
}

/** A value in single quotes, where a shell takes every character literally; a quote is closed, escaped, reopened. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The env as a file a shell sources: one `KEY='value'` a line (a value may span lines inside its quotes). */
export function renderEnvFile(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([key, value]) => `${key}=${shellQuote(value)}\n`)
    .join('');
}

/**
 * A fresh secret name for a runner's env: `<service>-env-<random>`, at most 64 characters (the Swarm's limit).
 * Random, so a second create under a taken name never touches the first runner's secret.
 */
export function envSecretName(serviceName: string): string {
  return `${serviceName.slice(0, 50)}-env-${randomBytes(4).toString('hex')}`;
}

/** The container's command line: the wrapper, then what the container would have run without it. */
export function wrapWithEnvFile(
  secretName: string,
  argv: readonly string[],
): { command: string[]; args: string[] } {
  return { command: ['/bin/sh', '-c', ENV_WRAPPER, `${SECRETS_DIR}/${secretName}`], args: [...argv] };
}

/**
 * What a container runs, by Docker's rules: a given entrypoint replaces the image's and drops its CMD; a given
 * command replaces the image's CMD.
 */
export function effectiveArgv(
  spec: { entrypoint?: readonly string[] | undefined; command?: readonly string[] | undefined },
  image: { entrypoint: readonly string[]; cmd: readonly string[] },
): string[] {
  const command = spec.command !== undefined && spec.command.length > 0 ? spec.command : undefined;
  if (spec.entrypoint !== undefined && spec.entrypoint.length > 0)
    return [...spec.entrypoint, ...(command ?? [])];
  return [...image.entrypoint, ...(command ?? image.cmd)];
}
