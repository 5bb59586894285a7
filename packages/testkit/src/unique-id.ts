import { randomBytes } from 'node:crypto';

/**
 * A unique id that is valid as a container name, a network name, a label value and a runner id
 * (lowercase letters, digits and hyphens, at most 63 characters): `<prefix>-<time>-<random>`.
 */
export function uniqueId(prefix: string): string {
  const safePrefix = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const suffix = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  return safePrefix === '' ? suffix : `${safePrefix}-${suffix}`;
}
