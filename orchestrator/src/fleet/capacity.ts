import { AppError } from '@gha-ephemeral/contract';

/** How long a count of Docker's containers is trusted (with the runners started since) before it is redone. */
const LISTING_MAX_AGE_MS = 10_000;

/**
 * Admission against `MAX_RUNNERS`. Docker is the record of running containers; this adds the runners that are
 * being created right now (between the count and the container's start), so two concurrent requests cannot both
 * take the last slot.
 *
 * Docker is not asked again for every runner: while a container is being started the engine holds its lock, and a
 * listing waits for it, so a burst of fifty starts would wait on fifty listings one after the other. A listing
 * stays good for a few seconds, joined with the runners created since it began, by name: a runner created while
 * the listing ran may be in it or not, and is counted once either way. When that says there is no room, Docker is
 * asked again before refusing.
 */
export class Capacity {
  readonly #max: number;
  readonly #now: () => number;
  #reserved = 0;
  #listing: { at: number; names: ReadonlySet<string> } | null = null;
  /** Runners created since the last listing began (their containers may or may not be in it). */
  #createdSince = new Set<string>();
  #queue: Promise<void> = Promise.resolve();

  constructor(max: number, now: () => number = Date.now) {
    this.#max = max;
    this.#now = now;
  }

  get max(): number {
    return this.#max;
  }

  #existing(): number {
    const names = new Set(this.#listing?.names);
    for (const name of this.#createdSince) names.add(name);
    return names.size;
  }

  async #list(liveNames: () => Promise<readonly string[]>): Promise<number> {
    const at = this.#now();
    this.#createdSince = new Set();
    this.#listing = { at, names: new Set(await liveNames()) };
    return this.#existing();
  }

  /**
   * Reserves `count` slots given the names of the live runner containers (`liveNames()`), or throws
   * `runner.capacity_reached`. Returns a release function for each slot: call it once the container exists, with
   * its name, or with nothing when it failed.
   */
  async reserve(
    count: number,
    liveNames: () => Promise<readonly string[]>,
  ): Promise<((createdName?: string) => void)[]> {
    const previous = this.#queue;
    let unlock = () => {};
    this.#queue = new Promise((resolve) => (unlock = resolve));
    await previous;
    try {
      const fresh = this.#listing !== null && this.#now() - this.#listing.at < LISTING_MAX_AGE_MS;
      let existing = fresh ? this.#existing() : await this.#list(liveNames);
      if (fresh && count > this.#max - existing - this.#reserved) existing = await this.#list(liveNames);
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
        return (createdName?: string) => {
          if (released) return;
          released = true;
          this.#reserved -= 1;
          if (createdName !== undefined) this.#createdSince.add(createdName);
        };
      });
    } finally {
      unlock();
    }
  }
}
