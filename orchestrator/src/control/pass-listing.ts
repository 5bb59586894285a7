import type { ObservedRunner } from '../signals/demand.js';
import type { Fleet } from './reconciler.js';

/** How recent a listing a creations-only pass plans on instead of listing again (see `PassListing.list`). */
const LISTING_REUSE_MS = 2_000;

/** The runners listed, when the listing began, and whether an earlier pass made it. */
export interface Listing {
  atMs: number;
  runners: readonly ObservedRunner[];
  reused: boolean;
}

/** The reconciler's listings of the runners, and the newest of them. */
export class PassListing {
  readonly #fleet: Pick<Fleet, 'observe'>;
  readonly #now: () => number;
  /** The newest listing of the runners, for creations-only passes that follow it closely. */
  #last: Omit<Listing, 'reused'> | null = null;

  constructor(fleet: Pick<Fleet, 'observe'>, now: () => number) {
    this.#fleet = fleet;
    this.#now = now;
  }

  /**
   * The runners as Docker and GitHub list them. A creations-only pass (`mayReuse`) plans on a listing begun less
   * than {@link LISTING_REUSE_MS} ago, if there is one (the runners started since count as starting): while Docker
   * starts many containers, a listing waits seconds for the engine, and the last jobs of a burst would wait for it.
   * What it misses (a runner that took a job, or ended, meanwhile) the next pass corrects: it lists afresh, and
   * one is asked for when the pass that planned on an older listing has planned.
   */
  async list(mayReuse: boolean, signal?: AbortSignal): Promise<Listing> {
    const now = this.#now();
    const last = this.#last;
    if (mayReuse && last !== null && now - last.atMs < LISTING_REUSE_MS) return { ...last, reused: true };
    const listing = { atMs: now, runners: await this.#fleet.observe(signal) };
    if (this.#last === null || this.#last.atMs < listing.atMs) this.#last = listing;
    return { ...listing, reused: false };
  }
}
