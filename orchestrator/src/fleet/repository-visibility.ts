import { AppError } from '@gha-ephemeral/contract';
import type { CallOptions, GitHubRepository, GitHubScope, RepositoryRef } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import { BoundedMap } from '@gha-ephemeral/primitives';

/** The part of the GitHub port that reads one repository. */
export interface RepositoryLookup {
  getRepository(repo: RepositoryRef, options?: CallOptions): Promise<GitHubRepository>;
}

/** Where a repository's job or request came from, for the log line of a refusal. */
export type RefusalSource = 'discovery' | 'webhook' | 'api';

export interface RepositoryVisibilityOptions {
  github: RepositoryLookup;
  /** `ALLOW_PUBLIC_REPOSITORIES`. */
  allowPublic: boolean;
  logger: Logger;
  /** How long GitHub's answer is trusted; short, because a repository made public must stop getting runners. */
  ttlMs?: number;
  now?: () => number;
}

/** Repositories remembered (answers, refusals logged): far more than any account serves. */
const REMEMBERED_REPOSITORIES = 20_000;

/** One minute: at most one conditional GET a repository a minute, and a 304 costs no rate limit. */
const DEFAULT_TTL_MS = 60_000;

/** The message of a refusal: names the setting, and why it is off. */
export function publicRepositoryMessage(repository: string): string {
  return (
    `Repository ${repository} is public: a pull request from any fork could run code on this host, so no ` +
    'self-hosted runner serves it. Set ALLOW_PUBLIC_REPOSITORIES=true on the orchestrator to allow public repositories'
  );
}

/**
 * The rule "no runner for a public repository" unless `ALLOW_PUBLIC_REPOSITORIES=true`, shared by discovery,
 * webhooks and the API. Asks GitHub only when the caller does not already know the flag, caches the answer for
 * a short while, and logs a refusal once per repository (again only after the repository was allowed meanwhile).
 */
export class RepositoryVisibility {
  readonly allowPublic: boolean;
  readonly #options: RepositoryVisibilityOptions;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #answers = new BoundedMap<string, { isPrivate: boolean; until: number }>(REMEMBERED_REPOSITORIES);
  readonly #reported = new BoundedMap<string, true>(REMEMBERED_REPOSITORIES);

  constructor(options: RepositoryVisibilityOptions) {
    this.#options = options;
    this.allowPublic = options.allowPublic;
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /**
   * True when runners may serve the repository (`owner/name`) whose `private` flag the caller read from GitHub.
   * A refusal is logged the first time only: discovery and webhooks would repeat it on every pass and delivery.
   */
  allows(repository: string, isPrivate: boolean, source: RefusalSource): boolean {
    const key = repository.toLowerCase();
    if (isPrivate || this.allowPublic) {
      this.#reported.delete(key);
      return true;
    }
    if (!this.#reported.has(key)) {
      this.#reported.set(key, true);
      this.#options.logger.warn(
        { category: 'WARNING', repository, source },
        'public repository refused: no runner for it (ALLOW_PUBLIC_REPOSITORIES=false)',
      );
    }
    return false;
  }

  /** True when runners may serve the repository, asking GitHub (cached) for its flag unless public ones are allowed. */
  async allowsRepository(repository: string, source: RefusalSource, options?: CallOptions): Promise<boolean> {
    if (this.allowPublic) return true;
    return this.allows(repository, await this.#isPrivate(repository, options), source);
  }

  /**
   * Throws `runner.public_repository` (403) for a public repository unless allowed. An organization scope
   * passes: which repositories use its runners is the runner group's setting on GitHub.
   */
  async ensureAllowed(scope: GitHubScope, options?: CallOptions): Promise<void> {
    if (scope.kind !== 'repository') return;
    const repository = `${scope.owner}/${scope.repo}`;
    if (!(await this.allowsRepository(repository, 'api', options))) {
      throw new AppError('runner.public_repository', publicRepositoryMessage(repository));
    }
  }

  async #isPrivate(repository: string, options?: CallOptions): Promise<boolean> {
    const key = repository.toLowerCase();
    const known = this.#answers.get(key);
    if (known !== undefined && known.until > this.#now()) return known.isPrivate;
    const found = await this.#options.github.getRepository(repository, options);
    this.#answers.set(key, { isPrivate: found.private, until: this.#now() + this.#ttlMs });
    return found.private;
  }
}
