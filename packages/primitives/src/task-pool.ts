/**
 * Runs at most `concurrency` tasks at once; `run()` waits for a free place before it starts the task, so a caller
 * that reads an endless stream (Docker's events) is held back instead of piling up work. One slow task never
 * holds the others back.
 */
export class TaskPool {
  readonly #concurrency: number;
  readonly #running = new Set<Promise<void>>();

  constructor(concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency must be ≥ 1, not ${concurrency}`);
    this.#concurrency = concurrency;
  }

  /** Tasks running now. */
  get size(): number {
    return this.#running.size;
  }

  /**
   * Starts `task` once fewer than `concurrency` run, and resolves when it has started (not when it ends). The
   * task must handle its own errors: a rejection is swallowed so it cannot take the pool down.
   */
  async run(task: () => Promise<void>): Promise<void> {
    while (this.#running.size >= this.#concurrency) await Promise.race(this.#running);
    const running = task().catch(() => undefined);
    this.#running.add(running);
    void running.then(() => this.#running.delete(running));
  }

  /** Resolves when every task started so far has ended. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }
}
