import { AppError } from '@gha-ephemeral/contract';

/** How long a count of Docker's containers is trusted (with the runners started since) before it is redone. */
const LISTING_MAX_AGE_MS = 10_000;

/**
 * Admission against `MAX_RUNNERS`. Docker is the record of running containers; this adds the runners that are
 * being created right now (between the count and the container's start), so two concurrent requests cannot both
 * take the last slot.
 *
 * Docker is not asked again for every runner: while a container is being started the engine holds its lock, and a
 * listing waits for it, so a burst of fifty starts would wait on fifty listings one after the other. A count stays
 * good for a few seconds, plus every slot released since it began (counted as a container, although a failed
 * start left none: the estimate only ever errs high). When the estimate says there is no room, Docker is asked
 * again before refusing.
 */
export class Capacity {
  readonly #max: number;
  readonly #now: () => number;
  #reserved = 0;
  #listing: { at: number; existing: number } | null = null;
  /** Slots released since the last listing began: their containers may or may not be in it. */
  #releasedSince = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(max: number, now: () => number = Date.now) {
    this.#max = max;
    this.#now = now;
  }

  get max(): number {
    return this.#max;
  }

  async #count(countExisting: () => Promise<number>): Promise<number> {
    const at = this.#now();
    this.#releasedSince = 0;
    this.#listing = { at, existing: await countExisting() };
    return this.#listing.existing;
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
      const fresh = this.#listing !== null && this.#now() - this.#listing.at < LISTING_MAX_AGE_MS;
      const estimate = fresh ? this.#listing!.existing + this.#releasedSince : null;
      let existing = estimate ?? (await this.#count(countExisting)) + this.#releasedSince;
      if (estimate !== null && count > this.#max - estimate - this.#reserved) {
        existing = (await this.#count(countExisting)) + this.#releasedSince;
      }
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
          this.#releasedSince += 1;
        };
      });
    } finally {
      unlock();
    }
  }
}
