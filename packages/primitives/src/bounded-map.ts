import { LRUCache } from 'lru-cache';

/**
 * A map that holds at most `limit` entries: adding one more drops the oldest (by insertion; setting a key again
 * makes it the newest, reading it does not). For caches and memories of a long-running process (delivery ids, job
 * states), which must never grow without bound. Backed by `lru-cache`; keys and values may not be `null` or
 * `undefined`. Iteration goes from the oldest entry to the newest, as a `Map`'s does.
 */
export class BoundedMap<K extends NonNullable<unknown>, V extends NonNullable<unknown>> {
  readonly limit: number;
  readonly #cache: LRUCache<K, V>;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be ≥ 1, not ${limit}`);
    this.limit = limit;
    this.#cache = new LRUCache<K, V>({ max: limit });
  }

  /** Entries held now. */
  get size(): number {
    return this.#cache.size;
  }

  /** The value of `key`, without making it any newer. */
  get(key: K): V | undefined {
    return this.#cache.peek(key);
  }

  has(key: K): boolean {
    return this.#cache.has(key);
  }

  /** Sets the value; an existing key moves to the newest place, so it is dropped last. */
  set(key: K, value: V): this {
    this.#cache.set(key, value);
    return this;
  }

  /** True when the key was there. */
  delete(key: K): boolean {
    return this.#cache.delete(key);
  }

  clear(): void {
    this.#cache.clear();
  }

  /** The keys, oldest first. */
  keys(): IterableIterator<K> {
    return this.#cache.rkeys();
  }

  /** The values, oldest first. */
  *values(): IterableIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  /** The entries, oldest first. */
  *entries(): IterableIterator<[K, V]> {
    for (const key of this.#cache.rkeys()) {
      const value = this.#cache.peek(key);
      if (value !== undefined) yield [key, value];
    }
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }
}
