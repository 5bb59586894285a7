interface Due<T> {
  readonly at: number;
  readonly item: T;
}

/**
 * Items by the time (epoch ms) they are due, earliest first: a binary min-heap, so finding out that nothing is
 * due costs one comparison and taking a due item costs a logarithm of the size. Items are not removed when
 * they stop mattering; their owner calls {@link ExpiryQueue.compact} now and then to keep the size bounded.
 */
export class ExpiryQueue<T> {
  readonly #heap: Due<T>[] = [];

  /** How many items are queued, stale ones included. */
  get size(): number {
    return this.#heap.length;
  }

  /** Queues `item` to be due at `at` (a finite number). */
  push(item: T, at: number): void {
    this.#heap.push({ at, item });
    this.#siftUp(this.#heap.length - 1);
  }

  /** Removes and returns the earliest item due at or before `now`, or `undefined` when none is due. */
  popDue(now: number): T | undefined {
    const top = this.#heap[0];
    if (top === undefined || top.at > now) return undefined;
    const last = this.#heap.pop();
    if (last !== undefined && this.#heap.length > 0) {
      this.#heap[0] = last;
      this.#siftDown(0);
    }
    return top.item;
  }

  /** Keeps only the items for which `keep` is true. */
  compact(keep: (item: T) => boolean): void {
    const kept = this.#heap.filter((due) => keep(due.item));
    this.#heap.length = 0;
    for (const due of kept) this.#heap.push(due);
    for (let index = Math.floor(this.#heap.length / 2) - 1; index >= 0; index -= 1) this.#siftDown(index);
  }

  #siftUp(start: number): void {
    let index = start;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.#at(parent) <= this.#at(index)) return;
      this.#swap(parent, index);
      index = parent;
    }
  }

  #siftDown(start: number): void {
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < this.#heap.length && this.#at(left) < this.#at(smallest)) smallest = left;
      if (right < this.#heap.length && this.#at(right) < this.#at(smallest)) smallest = right;
      if (smallest === index) return;
      this.#swap(smallest, index);
      index = smallest;
    }
  }

  #at(index: number): number {
    return this.#heap[index]?.at ?? Infinity;
  }

  #swap(a: number, b: number): void {
    const first = this.#heap[a];
    const second = this.#heap[b];
    if (first === undefined || second === undefined) return;
    this.#heap[a] = second;
    this.#heap[b] = first;
  }
}
