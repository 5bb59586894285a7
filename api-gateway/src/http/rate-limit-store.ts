import type {
  FastifyRateLimitOptions,
  FastifyRateLimitStore,
  FastifyRateLimitStoreCtor,
} from '@fastify/rate-limit';

/** Keys kept per store, as in @fastify/rate-limit's own in-memory store: the least recently used goes first. */
const DEFAULT_KEYS = 5000;

interface Window {
  count: number;
  startedAt: number;
}

class ClockedStore implements FastifyRateLimitStore {
  readonly #windows = new Map<string, Window>();

  constructor(
    readonly now: () => number,
    readonly keys: number,
  ) {}

  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    timeWindow: number,
  ): void {
    const at = this.now();
    let window = this.#windows.get(key);
    if (window === undefined || window.startedAt + timeWindow <= at) window = { count: 0, startedAt: at };
    window.count += 1;
    // Re-inserted, so that the Map's order is least recently used first.
    this.#windows.delete(key);
    this.#windows.set(key, window);
    const oldest = this.#windows.keys().next();
    if (this.#windows.size > this.keys && oldest.done !== true) this.#windows.delete(oldest.value);
    callback(null, { current: window.count, ttl: window.startedAt + timeWindow - at });
  }

  child(routeOptions: object): FastifyRateLimitStore {
    return new ClockedStore(this.now, cacheOf(routeOptions) ?? this.keys);
  }
}

// `cache` is the plugin's option of how many keys a store keeps (absent from its option types).
function cacheOf(options: object): number | undefined {
  const cache = (options as { cache?: unknown }).cache;
  return typeof cache === 'number' ? cache : undefined;
}

/**
 * @fastify/rate-limit's in-memory store (a fixed window per key; at most `cache` keys, default 5000) on the clock
 * `now` (ms since the epoch) instead of `Date.now()`, so that a test moves the windows on without waiting. A route
 * with a limit of its own (`/health`) gets a store of its own, as with the default store.
 */
export function rateLimitStore(now: () => number): FastifyRateLimitStoreCtor {
  return class extends ClockedStore {
    constructor(options: FastifyRateLimitOptions) {
      super(now, cacheOf(options) ?? DEFAULT_KEYS);
    }
  };
}
