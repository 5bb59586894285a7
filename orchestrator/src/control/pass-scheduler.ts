import type { ScopeDemand } from '../signals/demand.js';
import type { PassOptions, PassResult } from './reconciler.js';

/** Runs one pass on the demand `readDemand` returns when called; the scheduler decides only when. */
export type RunPass = (readDemand: () => readonly ScopeDemand[], options: PassOptions) => Promise<PassResult>;

/**
 * When the reconciler's passes run. Passes of the poller (and the API's) run one at a time: one asked for while
 * others run waits for them, then works on the newest demand. Passes nudged by webhooks only create, and are
 * pipelined: the next one plans as soon as the previous one has planned, while its runners still start, so a burst
 * of deliveries that arrives over a few seconds starts its runners side by side instead of in batches one after the
 * other. A timed re-check asks for a nudged pass of its own when nothing else may come.
 */
export class PassScheduler {
  readonly #runPass: RunPass;
  readonly #now: () => number;
  /** Every pass not yet finished (settled copies): a full pass waits for all of them. */
  readonly #passes = new Set<Promise<unknown>>();
  /** The newest full pass: nudged passes wait for it. */
  #lastFull: Promise<unknown> = Promise.resolve();
  /** The planning (listing and plan) of the newest nudged pass: the next nudged pass starts after it. */
  #lastNudgePlanned: Promise<unknown> = Promise.resolve();
  /** The nudged pass that has not started yet, which later nudges join. */
  #waitingNudge: Promise<PassResult> | null = null;
  /** The waiting nudged pass must list afresh (it follows one that planned on an older listing). */
  #waitingNudgeFresh = false;
  /** The timed re-check's pass (see `recheckIn`). */
  #recheck: NodeJS.Timeout | null = null;
  #recheckAt = 0;
  #stopped = false;

  constructor(runPass: RunPass, now: () => number) {
    this.#runPass = runPass;
    this.#now = now;
  }

  #track<T>(pass: Promise<T>): Promise<T> {
    const settled = pass.then(
      () => undefined,
      () => undefined,
    );
    this.#passes.add(settled);
    void settled.then(() => this.#passes.delete(settled));
    return pass;
  }

  /** Runs a full pass after every pass asked for before it. */
  full(readDemand: () => readonly ScopeDemand[], options: PassOptions): Promise<PassResult> {
    const pass = Promise.all([...this.#passes]).then(() => this.#runPass(readDemand, options));
    this.#lastFull = pass.catch(() => undefined);
    return this.#track(pass);
  }

  /**
   * Asks for a creations-only pass on the newest demand. It starts once the previous nudged pass has planned (not
   * finished); nudges that come while it waits share it: a burst of fifty `queued` deliveries makes a few passes,
   * not fifty.
   */
  nudge(readDemand: () => readonly ScopeDemand[], signal?: AbortSignal, fresh = false): Promise<PassResult> {
    if (this.#waitingNudge !== null) {
      this.#waitingNudgeFresh ||= fresh;
      return this.#waitingNudge;
    }
    this.#waitingNudgeFresh = fresh;
    let planned = (): void => {};
    const planning = new Promise<void>((resolve) => (planned = resolve));
    const previous = Promise.all([this.#lastFull, this.#lastNudgePlanned]);
    this.#lastNudgePlanned = planning;
    const pass = previous.then(async () => {
      this.#waitingNudge = null;
      const freshListing = this.#waitingNudgeFresh;
      const options = { signal, createsOnly: true, freshListing, onPlanned: planned };
      const result = await this.#runPass(readDemand, options);
      // Planned on an older listing: one more pass, on a fresh one, makes up for what that one missed.
      if (result.listingReused && !signal?.aborted) {
        void this.nudge(readDemand, signal, true).catch(() => undefined);
      }
      return result;
    });
    void pass.then(planned, planned);
    this.#waitingNudge = pass;
    return this.#track(pass);
  }

  /**
   * Runs a nudged pass on a fresh listing in `afterMs`, with no other signal: for what the passes know will change
   * by then without anyone saying so (a count that expires, a wait that ends).
   */
  recheckIn(readDemand: () => readonly ScopeDemand[], afterMs: number): void {
    if (this.#stopped) return;
    const at = this.#now() + afterMs;
    // One timer, at the earliest time asked for: a later request is covered by the pass it brings.
    if (this.#recheck !== null && this.#recheckAt <= at) return;
    if (this.#recheck !== null) clearTimeout(this.#recheck);
    this.#recheckAt = at;
    this.#recheck = setTimeout(() => {
      this.#recheck = null;
      if (this.#stopped) return;
      void this.nudge(readDemand, undefined, true).catch(() => undefined);
    }, afterMs);
    this.#recheck.unref();
  }

  /** Stops the timed re-check; passes asked for later still run. */
  stop(): void {
    this.#stopped = true;
    if (this.#recheck !== null) clearTimeout(this.#recheck);
    this.#recheck = null;
  }
}
