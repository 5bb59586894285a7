import { describe, expect, it } from 'vitest';
import { EtagCache, estimateEntryBytes, type CachedResponse } from './etag-cache.js';

const entry = (etag: string): CachedResponse => ({ etag, url: 'u', headers: {}, data: { etag } });
/** A page of `kib` KiB of JSON, as a big listing would be. */
const page = (etag: string, kib: number): CachedResponse => ({
  etag,
  url: 'https://api.github.com/repos/o/r/actions/runs?page=1',
  headers: { etag },
  data: { runs: 'x'.repeat(kib * 1024) },
});

describe('EtagCache', () => {
  it('evicts the least recently used entry beyond its bound', () => {
    const cache = new EtagCache(2);
    cache.set('a', entry('1'));
    cache.set('b', entry('2'));
    expect(cache.get('a')?.etag).toBe('1');
    cache.set('c', entry('3'));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.etag).toBe('1');
    expect(cache.get('c')?.etag).toBe('3');
    expect(cache.stats()).toMatchObject({ evictions: 1, entries: 2 });
  });

  it('replaces an entry in place and forgets deleted ones', () => {
    const cache = new EtagCache(2);
    cache.set('a', entry('1'));
    cache.set('a', entry('2'));
    expect(cache.get('a')?.etag).toBe('2');
    cache.delete('a');
    expect(cache.stats().entries).toBe(0);
  });

  it('counts outcomes', () => {
    const cache = new EtagCache();
    cache.count('conditional');
    cache.count('notModified');
    cache.count('modified');
    cache.count('uncacheable');
    expect(cache.stats()).toEqual({
      conditional: 1,
      notModified: 1,
      modified: 1,
      uncacheable: 1,
      evictions: 0,
      entries: 0,
      bytes: 0,
    });
  });

  it('is bounded by bytes too: big pages evict the oldest entries though the count is far from full', () => {
    const cache = new EtagCache(10_000, 310 * 1024);
    for (const name of ['a', 'b', 'c', 'd']) cache.set(name, page(name, 100));
    // Four pages of 100 KiB (and a few bytes of key, URL and headers) do not fit in 310 KiB: the oldest went.
    expect(cache.get('a')).toBeUndefined();
    expect(['b', 'c', 'd'].map((name) => cache.get(name)?.etag)).toEqual(['b', 'c', 'd']);
    const stats = cache.stats();
    expect(stats).toMatchObject({ entries: 3, evictions: 1 });
    expect(stats.bytes).toBeLessThanOrEqual(310 * 1024);
    expect(stats.bytes).toBeGreaterThan(3 * 100 * 1024);
  });

  it('evicts the least recently used first when bytes run out', () => {
    const cache = new EtagCache(10_000, 250 * 1024);
    cache.set('a', page('a', 100));
    cache.set('b', page('b', 100));
    cache.get('a');
    cache.set('c', page('c', 100));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.etag).toBe('a');
    expect(cache.get('c')?.etag).toBe('c');
  });

  it('keeps no entry larger than the whole bound, and drops the stale one it would have replaced', () => {
    const cache = new EtagCache(10_000, 50 * 1024);
    cache.set('a', page('a', 10));
    cache.set('a', page('a2', 100));
    cache.set('b', page('b', 10));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')?.etag).toBe('b');
    expect(cache.stats()).toMatchObject({ entries: 1 });
  });

  it('gives bytes back on replace and delete', () => {
    const cache = new EtagCache();
    cache.set('a', page('a', 10));
    const one = cache.stats().bytes;
    expect(one).toBe(estimateEntryBytes('a', page('a', 10)));
    cache.set('a', page('a', 10));
    expect(cache.stats().bytes).toBe(one);
    cache.delete('a');
    expect(cache.stats().bytes).toBe(0);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new EtagCache(0)).toThrow(RangeError);
    expect(() => new EtagCache(10, 0)).toThrow(RangeError);
  });
});
