import { AppError } from '@gha-ephemeral/contract';

/**
 * Refuses env entries the engine would refuse, before they are sent: Docker's error for a bad entry quotes the
 * whole `KEY=value`, and the value may be a secret. The message names the key only.
 */
export function assertValidEnv(env: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(env)) {
    if (key === '' || key.includes('=') || key.includes('\0')) {
      throw new AppError(
        'runtime.failed',
        `Invalid environment variable name ${JSON.stringify(key)}: it must be non-empty and contain no "=" or NUL.`,
        { retryable: false },
      );
    }
    if (typeof value !== 'string' || value.includes('\0')) {
      throw new AppError(
        'runtime.failed',
        `The value of environment variable ${key} is not a string without NUL characters.`,
        { retryable: false },
      );
    }
  }
}
