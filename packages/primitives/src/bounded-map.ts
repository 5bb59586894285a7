/**
 * A `Map` that holds at most `limit` entries: adding one more drops the oldest (by insertion). For caches and
 * memories of a long-running process (delivery ids, job states), which must never grow without bound.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly limit: number;

  constructor(limit: number) {
    super();
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be ≥ 1, not ${limit}`);
    this.limit = limit;
  }

  /** Sets the value; an existing key moves to the newest place, so it is dropped last. */
  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    while (this.size > this.limit) {
      const oldest = this.keys().next();
      if (oldest.done === true) break;
      super.delete(oldest.value);
    }
    return this;
  }
}
