import { describe, expect, it } from 'vitest';
import { EtagCache, type CachedResponse } from './etag-cache.js';

const entry = (etag: string): CachedResponse => ({ etag, url: 'u', headers: {}, data: { etag } });

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
    });
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new EtagCache(0)).toThrow(RangeError);
  });
});
