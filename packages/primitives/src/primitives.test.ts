import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, BoundedMap, KeyedBackoff, StateFile, TaskPool } from './index.js';

describe('BoundedMap', () => {
  it('drops the oldest entry past its limit, and a key set again counts as new', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 3).set('c', 4);
    expect([...map.entries()]).toEqual([
      ['a', 3],
      ['c', 4],
    ]);
  });

  it('does not count a read as a use: the oldest insertion still goes first', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect([...map.keys()]).toEqual(['b', 'c']);
    expect(map.has('a')).toBe(false);
    expect([...map.values()]).toEqual([2, 3]);
  });
});

describe('TaskPool', () => {
  it('runs at most N tasks at once, and a slow task does not hold back the others', async () => {
    const pool = new TaskPool(2);
    let releaseSlow = (): void => {};
    const slow = new Promise<void>((resolve) => (releaseSlow = resolve));
    const done: string[] = [];
    await pool.run(() => slow.then(() => void done.push('slow')));
    for (const name of ['a', 'b', 'c']) await pool.run(async () => void done.push(name));
    expect(pool.size).toBeLessThanOrEqual(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toEqual(['a', 'b', 'c']);
    releaseSlow();
    await pool.drain();
    expect(done).toEqual(['a', 'b', 'c', 'slow']);
  });

  it('survives a failing task', async () => {
    const pool = new TaskPool(1);
    await pool.run(() => Promise.reject(new Error('boom')));
    let ran = false;
    await pool.run(async () => void (ran = true));
    await pool.drain();
    expect(ran).toBe(true);
  });
});

describe('backoff', () => {
  it('doubles from the base up to the maximum, spread by the jitter', () => {
    const fixed = { baseMs: 1000, maxMs: 5000, jitter: 0.2, random: () => 0.5 };
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, fixed))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffDelayMs(1, { ...fixed, random: () => 0 })).toBe(800);
  });

  it('makes a failing key wait, longer each time, until a success forgets it', () => {
    let now = 0;
    const backoff = new KeyedBackoff<string>({ baseMs: 1000, maxMs: 60_000, jitter: 0, now: () => now });
    expect(backoff.fail('acme/web')).toEqual({ failures: 1, until: 1000 });
    expect(backoff.waiting('acme/web')).toBe(true);
    expect(backoff.waiting('acme/api')).toBe(false);
    now = 1000;
    expect(backoff.waiting('acme/web')).toBe(false);
    expect(backoff.fail('acme/web')).toEqual({ failures: 2, until: 3000 });
    expect(backoff.succeed('acme/web')).toBe(true);
    expect(backoff.failures('acme/web')).toBe(0);
  });

  it('remembers at most `limit` keys', () => {
    const backoff = new KeyedBackoff<number>({ baseMs: 1, maxMs: 1, limit: 3 });
    for (let key = 0; key < 10; key++) backoff.fail(key);
    expect([...backoff.entries()].map(([key]) => key)).toEqual([7, 8, 9]);
  });
});

describe('StateFile', () => {
  it('writes and reads back, and reports a streak of failed writes once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-'));
    const failures: string[] = [];
    const good = new StateFile(join(dir, 'a.json'), (_error, file) => failures.push(file));
    expect(good.read()).toBeUndefined();
    good.write({ n: 1 });
    expect(good.read()).toEqual({ n: 1 });
    writeFileSync(join(dir, 'broken.json'), '{not json');
    expect(new StateFile(join(dir, 'broken.json'), () => {}).read()).toBeNull();
    // A directory where the file should be: every write fails, and is said once.
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'a file, not a directory');
    const bad = new StateFile(join(blocked, 'b.json'), (_error, file) => failures.push(file));
    bad.write({});
    bad.write({});
    expect(failures).toEqual([join(blocked, 'b.json')]);
    expect(new StateFile(null, () => {}).read()).toBeUndefined();
  });
});
