import { createHash, randomBytes } from 'node:crypto';

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
 * Four base-36 characters derived from the orchestrator's id. They end every runner name it makes, so that on
 * GitHub, where only the name is visible, it can tell its own registrations from those of other orchestrators
 * sharing the account (and never delete theirs).
 */
export function orchestratorTag(orchestratorId: string): string {
  const digest = createHash('sha256').update(orchestratorId).digest();
  return randomSuffix(4, () => digest.subarray(0, 4));
}

/**
 * A unique runner name: `gha-<target slug>-<orchestrator tag><random>`. It is the runner's id in our API, its
 * container name and its name on GitHub, so it must be valid for all three (at most 63 of `a-z 0-9 -`).
 */
export function makeRunnerName(
  target: string,
  orchestratorId: string,
  random: string = randomSuffix(6),
): string {
  return `gha-${slugifyTarget(target)}-${orchestratorTag(orchestratorId)}${random}`;
}

/** True when `name` is a runner name this orchestrator made (see {@link makeRunnerName}). */
export function isOwnRunnerName(name: string, orchestratorId: string): boolean {
  return new RegExp(`^gha-[a-z0-9-]+-${orchestratorTag(orchestratorId)}[a-z0-9]{6}$`).test(name);
}
