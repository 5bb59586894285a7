import type { GitHubPort, GitHubScope, RunnerToken } from '@gha-ephemeral/github';
import { scopeTarget } from '@gha-ephemeral/github';

/**
 * Takes a secret minted at run time (so that the logs hide it) until `expiresAt`, if given; the returned function
 * (if any) forgets it sooner, once it can no longer appear.
 */
export type SecretSink = (secret: string, options?: { expiresAt?: number }) => (() => void) | void;

/** A token is reused until this close to its expiry (GitHub's live one hour; a runner needs it only to register). */
const REFRESH_MARGIN_MS = 10 * 60 * 1000;

/**
 * Registration tokens, one per scope, reused until they near expiry: minting one is a write on GitHub, which
 * counts against the secondary rate limit (about 80 content-creating requests a minute). Concurrent callers for
 * the same scope share one request. The cache only saves requests; losing it loses nothing.
 */
export class RegistrationTokens {
  readonly #github: GitHubPort;
  readonly #now: () => number;
  readonly #onMinted: SecretSink;
  readonly #tokens = new Map<string, Promise<RunnerToken>>();

  /** `onMinted` sees every new token (with its expiry), so the logger can redact it. */
  constructor(github: GitHubPort, onMinted: SecretSink, now: () => number = Date.now) {
    this.#github = github;
    this.#onMinted = onMinted;
    this.#now = now;
  }

  async get(scope: GitHubScope, signal?: AbortSignal): Promise<string> {
    const key = `${scope.kind}:${scopeTarget(scope).toLowerCase()}`;
    const cached = this.#tokens.get(key);
    if (cached) {
      const token = await cached.catch(() => null);
      if (token && Date.parse(token.expiresAt) - this.#now() > REFRESH_MARGIN_MS) return token.token;
      if (this.#tokens.get(key) !== cached) return this.get(scope, signal);
    }
    const minting = this.#github.createRegistrationToken(scope, { signal }).then((token) => {
      // Hidden until GitHub's expiry: after it, the token is useless, and no runner started later holds it.
      this.#onMinted(token.token, { expiresAt: Date.parse(token.expiresAt) });
      return token;
    });
    this.#tokens.set(key, minting);
    try {
      return (await minting).token;
    } catch (error) {
      if (this.#tokens.get(key) === minting) this.#tokens.delete(key);
      throw error;
    }
  }
}
