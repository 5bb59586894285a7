/** Default margin: a token is replaced this long before GitHub's `expires_at`. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

/** Options of {@link InstallationTokenCache}. */
export interface InstallationTokenCacheOptions {
  /** How long before `expires_at` a token stops being handed out (default 5 minutes). */
  refreshMarginMs?: number;
  /** The clock; tests move it forward instead of waiting an hour. */
  now?: () => number;
}

/** Counters of the cache, for tests and metrics. */
export interface InstallationTokenStats {
  /** Tokens stored (each one minted by `POST /app/installations/{id}/access_tokens`). */
  stored: number;
  /** Lookups answered with a stored token. */
  hits: number;
  /** Lookups that found a token too close to its `expires_at` (it is then replaced). */
  expired: number;
}

/**
 * The `cache` of @octokit/auth-app, but driven by each token's own `expires_at`. auth-app's built-in cache keeps a
 * token 59 minutes after it was minted whatever GitHub said, so a token issued for less than an hour (GitHub
 * Enterprise Server can be configured so; a clock that jumped) would be used after it expired. Here a token is
 * handed out only until `refreshMarginMs` before its `expires_at`; after that auth-app mints a new one, before
 * the old one stops working, so no request ever meets a 401 for an expired token.
 *
 * Values are auth-app's own serialization (`token|createdAt|expiresAt|…`); only `expiresAt` is read.
 */
export class InstallationTokenCache {
  readonly #entries = new Map<string, { value: string; expiresAt: number }>();
  readonly #marginMs: number;
  readonly #now: () => number;
  readonly #stats: InstallationTokenStats = { stored: 0, hits: 0, expired: 0 };

  constructor(options: InstallationTokenCacheOptions = {}) {
    this.#marginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The stored value, or undefined when there is none or it is within the margin of its expiry. */
  get(key: string): string | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt - this.#marginMs <= this.#now()) {
      this.#entries.delete(key);
      this.#stats.expired += 1;
      return undefined;
    }
    this.#stats.hits += 1;
    return entry.value;
  }

  /** Stores auth-app's serialized token. A value whose `expiresAt` cannot be read is not kept. */
  set(key: string, value: string): void {
    const expiresAt = Date.parse(value.split('|')[2] ?? '');
    if (Number.isNaN(expiresAt)) {
      this.#entries.delete(key);
      return;
    }
    this.#entries.set(key, { value, expiresAt });
    this.#stats.stored += 1;
  }

  /** Forgets every token (GitHub refused one: a new one is minted on the next request). */
  clear(): void {
    this.#entries.clear();
  }

  /** A copy of the counters. */
  stats(): InstallationTokenStats {
    return { ...this.#stats };
  }
}
