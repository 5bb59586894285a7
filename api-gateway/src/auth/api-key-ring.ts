import { createHash, timingSafeEqual } from 'node:crypto';

/** Who sent a request, as far as the `Authorization` header tells. */
export type ClientIdentity =
  /** A configured key; `keyId` is a short one-way digest of it, safe for logs and rate-limit buckets. */
  | { kind: 'key'; keyId: string }
  | { kind: 'missing' }
  /** A header that is not `Bearer <something>`. */
  | { kind: 'malformed' }
  | { kind: 'invalid' }
  /** No key is configured at all: every runner route answers 401 `auth.not_configured`. */
  | { kind: 'not_configured' };

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The configured API keys. A presented key is hashed and compared with every configured key's hash in constant
 * time, without stopping at the first match: neither the length nor the position of a key leaks through timing.
 */
export class ApiKeyRing {
  readonly #digests: readonly Buffer[];
  readonly #ids: readonly string[];

  constructor(keys: readonly string[]) {
    this.#digests = keys.map(digest);
    this.#ids = this.#digests.map((hash) => `key-${hash.toString('hex').slice(0, 12)}`);
  }

  /** True when at least one key is configured. */
  get configured(): boolean {
    return this.#digests.length > 0;
  }

  /** Identifies the client from the raw `Authorization` header value. */
  identify(header: string | undefined): ClientIdentity {
    if (!this.configured) return { kind: 'not_configured' };
    if (header === undefined || header.trim() === '') return { kind: 'missing' };
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!match?.[1]) return { kind: 'malformed' };
    const presented = digest(match[1]);
    let found = -1;
    this.#digests.forEach((known, index) => {
      if (timingSafeEqual(known, presented)) found = index;
    });
    const keyId = this.#ids[found];
    return keyId === undefined ? { kind: 'invalid' } : { kind: 'key', keyId };
  }
}
