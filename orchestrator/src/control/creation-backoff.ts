import { isAppError } from '@gha-ephemeral/contract';
import type { GitHubScope } from '@gha-ephemeral/github';
import { KeyedBackoff } from '@gha-ephemeral/primitives';
import { scopeKey } from '../signals/demand.js';
import { planKey } from './pool-fit.js';

/** A failure that will not pass by itself (GitHub's 403, 404, 422): the scope waits 1 minute, then 2, 4 ... 1 hour. */
const LASTING = { baseMs: 60_000, maxMs: 3_600_000, jitter: 0.2 };
/** Any other failure (5xx, a timeout, Docker busy): a short wait, spread wide so retries do not align. */
const PASSING = { baseMs: 2_000, maxMs: 60_000, jitter: 0.5 };

/**
 * What creations wait by: a pool in a scope. Pools of one scope fail apart (a broken image, a refused scale set),
 * so one never holds another back.
 */
export function backoffKey(action: { pool: string; scope: GitHubScope }): string {
  return planKey(action.pool, scopeKey(action.scope));
}

/** What a failed creation did to its scope. */
export interface CreationFailure {
  /** Failures in a row of this kind. */
  failures: number;
  /** When the scope gets runners again (epoch ms). */
  until: number;
  /** True for a failure that will not pass by itself. */
  lasting: boolean;
}

/**
 * Per scope, how long runner creation waits after failures, so that a creation GitHub refuses for good is not
 * tried again on every pass (every webhook nudge, the re-check, every poll). A success forgets the scope's failures.
 */
export class CreationBackoff {
  readonly #lasting: KeyedBackoff<string>;
  readonly #passing: KeyedBackoff<string>;

  constructor(now: () => number = Date.now) {
    this.#lasting = new KeyedBackoff({ ...LASTING, now });
    this.#passing = new KeyedBackoff({ ...PASSING, now });
  }

  /** True while the scope must not get new runners. */
  waiting(scopeKey: string): boolean {
    return this.#lasting.waiting(scopeKey) || this.#passing.waiting(scopeKey);
  }

  /** When the scope may get runners again (epoch ms), or null when it does not wait. */
  retryAt(scopeKey: string): number | null {
    if (!this.waiting(scopeKey)) return null;
    return Math.max(this.#lasting.until(scopeKey) ?? 0, this.#passing.until(scopeKey) ?? 0);
  }

  /** Notes a failed creation in the scope. */
  failed(scopeKey: string, error: unknown): CreationFailure {
    const lasting = isAppError(error) && error.code.startsWith('github.') && !error.retryable;
    const { failures, until } = (lasting ? this.#lasting : this.#passing).fail(scopeKey);
    return { failures, until, lasting };
  }

  /** Notes a runner started in the scope. True when the scope had failed before. */
  succeeded(scopeKey: string): boolean {
    const lasting = this.#lasting.succeed(scopeKey);
    return this.#passing.succeed(scopeKey) || lasting;
  }

  /** Scopes waiting after a lasting failure. */
  lastingCount(): number {
    return [...this.#lasting.entries()].filter(([key]) => this.#lasting.waiting(key)).length;
  }
}
