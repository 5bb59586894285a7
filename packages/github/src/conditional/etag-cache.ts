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
  /** Entries dropped because the cache was full, by count or by bytes (least recently used first). */
  evictions: number;
  /** Entries held now. */
  entries: number;
  /** Estimated size of the entries held now, in bytes (keys, ETags, URLs, headers and bodies as JSON). */
  bytes: number;
}

/** Default bound of a cache: enough for 1,000 repositories' workflow lists, files and run lists. */
export const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * Default bound on the bytes a cache holds. A page of 100 workflow runs is several hundred kilobytes, so a count
 * alone would let 10,000 entries grow to gigabytes; 64 MiB keeps the pages a busy poller re-reads.
 */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Roughly how many bytes an entry holds: its strings as UTF-8 and its body as the JSON GitHub sent. An estimate
 * (the heap holds more), but one that grows with what is stored, which is what the bound needs.
 */
export function estimateEntryBytes(key: string, entry: CachedResponse): number {
  let bytes = Buffer.byteLength(key) + Buffer.byteLength(entry.etag) + Buffer.byteLength(entry.url);
  for (const [name, value] of Object.entries(entry.headers)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  try {
    bytes += Buffer.byteLength(JSON.stringify(entry.data) ?? '');
  } catch {
    // A body that cannot be measured (a cycle, a BigInt) is not kept.
    return Infinity;
  }
  return bytes;
}

interface Held {
  entry: CachedResponse;
  bytes: number;
}

/**
 * The `ETag`s and bodies of one client's GETs, bounded both by count and by (estimated) bytes, least recently used
 * evicted first. One instance per client: keys hold a credential identity, but sharing a cache between clients
 * would still mix their budgets and lifetimes.
 */
export class EtagCache {
  readonly #entries = new Map<string, Held>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #stats = { conditional: 0, notModified: 0, modified: 0, uncacheable: 0, evictions: 0 };
  #bytes = 0;

  constructor(maxEntries = DEFAULT_MAX_ENTRIES, maxBytes = DEFAULT_MAX_BYTES) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
    if (!Number.isInteger(maxBytes) || maxBytes < 1) {
      throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
    }
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
  }

  /** The entry for `key`, marked as the most recently used. */
  get(key: string): CachedResponse | undefined {
    const held = this.#entries.get(key);
    if (held === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, held);
    return held.entry;
  }

  /**
   * Stores an entry, evicting the least recently used ones beyond either bound. An entry larger than the whole
   * byte bound is not kept (and replaces nothing: the old answer for `key` is stale anyway, so it goes too).
   */
  set(key: string, entry: CachedResponse): void {
    this.delete(key);
    const bytes = estimateEntryBytes(key, entry);
    if (bytes > this.#maxBytes) return;
    this.#entries.set(key, { entry, bytes });
    this.#bytes += bytes;
    while (this.#entries.size > this.#maxEntries || this.#bytes > this.#maxBytes) {
      const oldest = this.#entries.entries().next();
      if (oldest.done === true) break;
      const [oldestKey, held] = oldest.value;
      this.#entries.delete(oldestKey);
      this.#bytes -= held.bytes;
      this.#stats.evictions += 1;
    }
  }

  /** Forgets `key` (the resource is gone or no longer carries an ETag). */
  delete(key: string): void {
    const held = this.#entries.get(key);
    if (held === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= held.bytes;
  }

  /** Counts one outcome of a GET. */
  count(outcome: 'conditional' | 'notModified' | 'modified' | 'uncacheable'): void {
    this.#stats[outcome] += 1;
  }

  /** A copy of the counters. */
  stats(): ConditionalRequestStats {
    return { ...this.#stats, entries: this.#entries.size, bytes: this.#bytes };
  }
}
