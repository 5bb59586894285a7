import { createHash, randomBytes } from 'node:crypto';

/** Monotonic id sequences, one per entity kind, starting where GitHub's ids look plausible. */
export class IdSequences {
  private readonly next = new Map<string, number>();

  /** Returns the next id of `kind`. */
  take(
    kind: 'account' | 'repo' | 'workflow' | 'run' | 'job' | 'runner' | 'label' | 'scaleSet' | 'runnerRequest',
  ): number {
    const start = {
      account: 1000,
      repo: 100_000,
      workflow: 5000,
      run: 9_000_000,
      job: 25_000_000,
      runner: 1,
      label: 1000,
      scaleSet: 1,
      runnerRequest: 70_000,
    };
    const value = this.next.get(kind) ?? start[kind];
    this.next.set(kind, value + 1);
    return value;
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A random token in the style of GitHub's registration tokens (29 upper-case base32 characters). */
export function randomToken(prefix = 'A'): string {
  const bytes = randomBytes(28);
  let out = prefix;
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length] ?? 'A';
  return out.slice(0, 29);
}

/** A random hex string of `bytes` bytes. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** The git blob sha of a file's content, as the contents API reports it. */
export function gitBlobSha(content: string): string {
  const body = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

/** A GitHub-style legacy node id, e.g. `MDEwOlJlcG9zaXRvcnkxMjk2MjY5`. */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${String(type.length).padStart(2, '0')}:${type}${id}`).toString('base64');
}
