import { randomBytes } from 'node:crypto';

const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MAX_SLUG = 40;

/** `owner/repo` → `owner-repo`: lowercase letters, digits and single hyphens, at most 40 characters. */
export function slugifyTarget(target: string): string {
  const slug = target
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/, '');
  return slug.length > 0 ? slug : 'runner';
}

/** Eight random base-36 characters: 2.8e12 names per target, so a collision is not a practical concern. */
export function randomSuffix(length = 8, bytes: (size: number) => Uint8Array = randomBytes): string {
  const source = bytes(length);
  let suffix = '';
  for (const byte of source) suffix += SUFFIX_ALPHABET[byte % SUFFIX_ALPHABET.length];
  return suffix;
}

/**
 * A unique runner name: `gha-<target slug>-<random>`. It is the runner's id in our API, its container name and
 * its name on GitHub, so it must be valid for all three (at most 63 of `a-z 0-9 -`, starting alphanumeric).
 */
export function makeRunnerName(target: string, suffix: string = randomSuffix()): string {
  return `gha-${slugifyTarget(target)}-${suffix}`;
}
