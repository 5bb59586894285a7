import pLimit from 'p-limit';

/** `Promise.all(items.map(fn))` with at most `limit` calls in flight; results keep the items' order. */
export async function mapWithConcurrency<T, R>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  return await pLimit(limit).map(items, (item) => fn(item));
}
