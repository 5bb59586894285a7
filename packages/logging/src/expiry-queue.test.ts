import { describe, expect, it } from 'vitest';
import { ExpiryQueue } from './expiry-queue.js';
import { seededRandom } from './testing/random-text.js';

function drain(queue: ExpiryQueue<string>, now: number): string[] {
  const due: string[] = [];
  for (let item = queue.popDue(now); item !== undefined; item = queue.popDue(now)) due.push(item);
  return due;
}

describe('ExpiryQueue', () => {
  it('gives back only the items due, earliest first', () => {
    const queue = new ExpiryQueue<string>();
    queue.push('c', 30);
    queue.push('a', 10);
    queue.push('d', 40);
    queue.push('b', 20);
    expect(drain(queue, 5)).toEqual([]);
    expect(drain(queue, 30)).toEqual(['a', 'b', 'c']);
    expect(queue.size).toBe(1);
    expect(drain(queue, Infinity)).toEqual(['d']);
  });

  it('keeps its order over many random pushes and after compaction', () => {
    const random = seededRandom(7);
    const queue = new ExpiryQueue<string>();
    const times = new Map<string, number>();
    for (let index = 0; index < 500; index += 1) {
      const at = Math.floor(random() * 1_000);
      times.set(`item-${index}`, at);
      queue.push(`item-${index}`, at);
    }
    queue.compact((item) => Number(item.slice(5)) % 3 !== 0);
    expect(queue.size).toBe([...times.keys()].filter((item) => Number(item.slice(5)) % 3 !== 0).length);
    const due = drain(queue, 1_000);
    const dueTimes = due.map((item) => times.get(item) ?? -1);
    expect(dueTimes).toEqual([...dueTimes].sort((a, b) => a - b));
    expect(due).toHaveLength(times.size - Math.ceil(500 / 3));
  });
});
