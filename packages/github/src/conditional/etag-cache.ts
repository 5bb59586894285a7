import { LRUCache } from 'lru-cache';

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

/**
 * The `ETag`s and bodies of one client's GETs, bounded both by count and by (estimated) bytes, least recently used
 * evicted first (an `lru-cache` with a size per entry). One instance per client: keys hold a credential identity,
 * but sharing a cache between clients would still mix their budgets and lifetimes.
 */
export class EtagCache {
  readonly #entries: LRUCache<string, CachedResponse>;
  readonly #stats = { conditional: 0, notModified: 0, modified: 0, uncacheable: 0, evictions: 0 };

  constructor(maxEntries = DEFAULT_MAX_ENTRIES, maxBytes = DEFAULT_MAX_BYTES) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
    if (!Number.isInteger(maxBytes) || maxBytes < 1) {
      throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
    }
    this.#entries = new LRUCache<string, CachedResponse>({
      max: maxEntries,
      maxSize: maxBytes,
      // lru-cache wants a positive integer: a body that cannot be measured counts as too large to keep.
      sizeCalculation: (entry, key) => Math.min(Math.max(1, estimateEntryBytes(key, entry)), maxBytes + 1),
      dispose: (_entry, _key, reason) => {
        if (reason === 'evict') this.#stats.evictions += 1;
      },
    });
  }

  /** The entry for `key`, marked as the most recently used. */
  get(key: string): CachedResponse | undefined {
    return this.#entries.get(key);
  }

  /**
   * Stores an entry, evicting the least recently used ones beyond either bound. An entry larger than the whole
   * byte bound is not kept (and replaces nothing: the old answer for `key` is stale anyway, so it goes too).
   */
  set(key: string, entry: CachedResponse): void {
    this.#entries.set(key, entry);
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
    return { ...this.#stats, entries: this.#entries.size, bytes: this.#entries.calculatedSize };
  }
}
