import { BoundedMap } from './bounded-map.js';

/** How a delay grows: `baseMs × 2^(n-1)`, at most `maxMs`, each spread by ±`jitter` (a fraction). */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** 0.2 spreads each delay over ±20 %, so many clients that failed together do not retry together. */
  jitter?: number;
  /** For tests: a number in [0, 1). */
  random?: () => number;
}

/** The delay before attempt `failures + 1`, after `failures` (≥ 1) failures in a row. */
export function backoffDelayMs(failures: number, options: BackoffOptions): number {
  const { baseMs, maxMs, jitter = 0.2, random = Math.random } = options;
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const plain = Math.min(maxMs, baseMs * 2 ** exponent);
  return Math.round(plain * (1 - jitter + 2 * jitter * random()));
}

/**
 * Backoff per key (a repository, a scope): each failure pushes the key's next attempt further away, a success
 * forgets it. Bounded by `limit` keys (the oldest failing key is forgotten first).
 */
export class KeyedBackoff<K extends NonNullable<unknown>> {
  readonly #options: BackoffOptions;
  readonly #now: () => number;
  readonly #entries: BoundedMap<K, { failures: number; until: number }>;

  constructor(options: BackoffOptions & { now?: () => number; limit?: number }) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#entries = new BoundedMap(options.limit ?? 10_000);
  }

  /** Notes a failure; returns how many in a row, and until when the key waits. */
  fail(key: K): { failures: number; until: number } {
    const failures = (this.#entries.get(key)?.failures ?? 0) + 1;
    const until = this.#now() + backoffDelayMs(failures, this.#options);
    this.#entries.set(key, { failures, until });
    return { failures, until };
  }

  /** Forgets the key's failures. True when it had any. */
  succeed(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** True while the key must wait. */
  waiting(key: K): boolean {
    const entry = this.#entries.get(key);
    return entry !== undefined && entry.until > this.#now();
  }

  /** Until when the key waits (epoch ms), or undefined when it has no failures. */
  until(key: K): number | undefined {
    return this.#entries.get(key)?.until;
  }

  /** The key's failures in a row (0 when none). */
  failures(key: K): number {
    return this.#entries.get(key)?.failures ?? 0;
  }

  /** Every key that has failed, with its state. */
  entries(): IterableIterator<[K, { failures: number; until: number }]> {
    return this.#entries.entries();
  }
}
