import type { GitHubPort, GitHubRunner, GitHubScope } from '@gha-ephemeral/github';
import { scopeTarget } from '@gha-ephemeral/github';

interface Entry {
  at: number;
  runners: Promise<GitHubRunner[]>;
}

/**
 * GitHub's runner lists per scope, kept for a few seconds so that a busy `GET /runners` costs GitHub one list
 * request per scope per `ttlMs`, not one per API call. Concurrent readers share one request. A failed list is
 * not kept. This is a cache: Docker and GitHub remain the record.
 */
export class GitHubRunnerDirectory {
  readonly #github: GitHubPort;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(github: GitHubPort, ttlMs = 5000, now: () => number = Date.now) {
    this.#github = github;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  static key(scope: GitHubScope): string {
    return `${scope.kind}:${scopeTarget(scope).toLowerCase()}`;
  }

  /** The scope's runners, at most `ttlMs` old (or `maxAgeMs`, for readers content with older ones). */
  list(scope: GitHubScope, signal?: AbortSignal, maxAgeMs = this.#ttlMs): Promise<GitHubRunner[]> {
    const key = GitHubRunnerDirectory.key(scope);
    const entry = this.#entries.get(key);
    if (entry && this.#now() - entry.at < maxAgeMs) return entry.runners;
    const runners = this.#github.listRunners(scope, { signal });
    const fresh: Entry = { at: this.#now(), runners };
    this.#entries.set(key, fresh);
    runners.catch(() => {
      if (this.#entries.get(key) === fresh) this.#entries.delete(key);
    });
    return runners;
  }

  /** Forgets a scope's list after we changed it (created or deleted a runner). */
  invalidate(scope: GitHubScope): void {
    this.#entries.delete(GitHubRunnerDirectory.key(scope));
  }
}
