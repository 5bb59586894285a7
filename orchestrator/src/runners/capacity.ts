import { AppError } from '@gha-ephemeral/contract';

/**
 * Admission against `MAX_RUNNERS`. Docker is the record of running containers; this only adds the runners that
 * are being created right now (between the count and the container's start), so two concurrent requests cannot
 * both take the last slot.
 */
export class Capacity {
  readonly #max: number;
  #reserved = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(max: number) {
    this.#max = max;
  }

  get max(): number {
    return this.#max;
  }

  /**
   * Reserves `count` slots given the `countExisting()` live containers, or throws `runner.capacity_reached`.
   * Returns a release function for each slot (call it once the container exists, or failed).
   */
  async reserve(count: number, countExisting: () => Promise<number>): Promise<(() => void)[]> {
    const previous = this.#queue;
    let unlock = () => {};
    this.#queue = new Promise((resolve) => (unlock = resolve));
    await previous;
    try {
      const existing = await countExisting();
      const free = this.#max - existing - this.#reserved;
      if (count > free) {
        throw new AppError(
          'runner.capacity_reached',
          `MAX_RUNNERS is ${this.#max} and ${existing + this.#reserved} runner(s) exist or are starting, so ${count} more cannot start; wait for runners to finish, delete some, or raise MAX_RUNNERS`,
          { details: { maxRunners: this.#max, existing: existing + this.#reserved, requested: count } },
        );
      }
      this.#reserved += count;
      return Array.from({ length: count }, () => {
        let released = false;
        return () => {
          if (released) return;
          released = true;
          this.#reserved -= 1;
        };
      });
    } finally {
      unlock();
    }
  }
}
