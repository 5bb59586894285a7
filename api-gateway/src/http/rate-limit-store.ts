import type {
  FastifyRateLimitOptions,
  FastifyRateLimitStore,
  FastifyRateLimitStoreCtor,
} from '@fastify/rate-limit';
import { BoundedMap } from '@gha-ephemeral/primitives';

/** Keys kept per store, as in @fastify/rate-limit's own in-memory store: the least recently used goes first. */
const DEFAULT_KEYS = 5000;

interface Window {
  count: number;
  startedAt: number;
}

class ClockedStore implements FastifyRateLimitStore {
  readonly #windows: BoundedMap<string, Window>;

  constructor(
    readonly now: () => number,
    readonly keys: number,
  ) {
    this.#windows = new BoundedMap(keys);
  }

  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    timeWindow: number,
  ): void {
    const at = this.now();
    let window = this.#windows.get(key);
    if (window === undefined || window.startedAt + timeWindow <= at) window = { count: 0, startedAt: at };
    window.count += 1;
    // Set again on every hit, so that the least recently used key is the one dropped past `keys`.
    this.#windows.set(key, window);
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
