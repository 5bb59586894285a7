/**
 * Long-poll waiters per key: a poll waits until it is woken (a message arrived, its session ended, the
 * simulator closes), its time runs out or its client goes away. No timers spin while nothing happens.
 */
export class Waiters<K> {
  private readonly waiting = new Map<K, Set<() => void>>();

  /** Resolves after `ms`, when `wake(key)` or `wakeAll()` is called, or when `signal` aborts. */
  wait(key: K, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiting.get(key);
      if (!set) {
        set = new Set();
        this.waiting.set(key, set);
      }
      const owner = set;
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        owner.delete(done);
        if (owner.size === 0 && this.waiting.get(key) === owner) this.waiting.delete(key);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      owner.add(done);
      signal.addEventListener('abort', done, { once: true });
      if (signal.aborted) done();
    });
  }

  /** Wakes every waiter of `key`. */
  wake(key: K): void {
    for (const done of [...(this.waiting.get(key) ?? [])]) done();
  }

  /** Wakes every waiter. */
  wakeAll(): void {
    for (const key of [...this.waiting.keys()]) this.wake(key);
  }
}
