/** A response kept to answer a 304: what GitHub sent with its `ETag`. */
export interface CachedResponse {
  etag: string;
  url: string;
  headers: Record<string, string>;
  data: unknown;
}

/** Counters of conditional requests, for metrics. */
export interface ConditionalRequestStats {
  /** GETs sent with `If-None-Match` (a cached answer existed). */
  conditional: number;
  /** Answered 304 Not Modified: served from the cache, not counted against GitHub's primary limit. */
  notModified: number;
  /** Answered 200 with an `ETag` (new or changed): counted against the limit, stored. */
  modified: number;
  /** Answered 200 without an `ETag`: counted, not stored. */
  uncacheable: number;
  /** Entries dropped because the cache was full (least recently used first). */
  evictions: number;
  /** Entries held now. */
  entries: number;
}

/** Default bound of a cache: enough for 1,000 repositories' workflow lists, files and run lists. */
export const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * The `ETag`s and bodies of one client's GETs, least recently used evicted first. One instance per client: keys
 * hold a credential identity, but sharing a cache between clients would still mix their budgets and lifetimes.
 */
export class EtagCache {
  readonly #entries = new Map<string, CachedResponse>();
  readonly #maxEntries: number;
  readonly #stats = { conditional: 0, notModified: 0, modified: 0, uncacheable: 0, evictions: 0 };

  constructor(maxEntries = DEFAULT_MAX_ENTRIES) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.#maxEntries = maxEntries;
  }

  /** The entry for `key`, marked as the most recently used. */
  get(key: string): CachedResponse | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry;
  }

  /** Stores an entry, evicting the least recently used ones beyond the bound. */
  set(key: string, entry: CachedResponse): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
      this.#stats.evictions += 1;
    }
  }

  /** Forgets `key` (the resource is gone or no longer carries an ETag). */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Counts one outcome of a GET. */
  count(outcome: 'conditional' | 'notModified' | 'modified' | 'uncacheable'): void {
    this.#stats[outcome] += 1;
  }

  /** A copy of the counters. */
  stats(): ConditionalRequestStats {
    return { ...this.#stats, entries: this.#entries.size };
  }
}
