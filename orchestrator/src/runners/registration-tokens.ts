import type { GitHubPort, GitHubScope, RunnerToken } from '@gha-ephemeral/github';
import { scopeTarget } from '@gha-ephemeral/github';

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
  readonly #onMinted: (token: string) => void;
  readonly #tokens = new Map<string, Promise<RunnerToken>>();

  /** `onMinted` sees every new token, so the logger can redact it. */
  constructor(github: GitHubPort, onMinted: (token: string) => void, now: () => number = Date.now) {
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
      this.#onMinted(token.token);
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
