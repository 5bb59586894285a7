import pLimit, { type LimitFunction } from 'p-limit';

/**
 * Runs at most `concurrency` tasks at once; `run()` waits for a free place before it starts the task, so a caller
 * that reads an endless stream (Docker's events) is held back instead of piling up work. One slow task never
 * holds the others back. Backed by `p-limit`.
 */
export class TaskPool {
  readonly #limit: LimitFunction;
  readonly #pending = new Set<Promise<void>>();

  constructor(concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency must be ≥ 1, not ${concurrency}`);
    this.#limit = pLimit(concurrency);
  }

  /** Tasks running now. */
  get size(): number {
    return this.#limit.activeCount;
  }

  /**
   * Starts `task` once fewer than `concurrency` run, and resolves when it has started (not when it ends). The
   * task must handle its own errors: a rejection is swallowed so it cannot take the pool down.
   */
  async run(task: () => Promise<void>): Promise<void> {
    let start = (): void => {};
    const started = new Promise<void>((resolve) => (start = resolve));
    const ended = this.#limit(() => {
      start();
      return task();
    }).catch(() => undefined);
    this.#pending.add(ended);
    void ended.then(() => this.#pending.delete(ended));
    await started;
  }

  /** Resolves when every task started so far has ended. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }
}
