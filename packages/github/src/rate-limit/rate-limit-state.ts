import { silentLogger, type LoggerLike } from '../logger.js';
import type { RateLimitHit, RateLimitKind } from './classify-rate-limit.js';
import { readRateLimitHeaders } from './read-headers.js';
import { suggestDelayMs } from './suggested-delay.js';

/** GitHub asks for at least a minute after a secondary limit without `retry-after`. */
export const SECONDARY_FALLBACK_SECONDS = 60;
/** Consecutive secondary limits without `retry-after` double the wait up to this. */
export const SECONDARY_MAX_BACKOFF_SECONDS = 900;
/** A primary limit whose answer carries neither `retry-after` nor a reset waits this long. */
export const PRIMARY_FALLBACK_SECONDS = 60;
// A second of margin after the reset, as GitHub recommends: the window turns over on its clock, not ours.
const RESET_MARGIN_MS = 1000;

/** The client's view of GitHub's core rate limit. Times are epoch milliseconds. */
export interface RateLimitSnapshot {
  limit: number | null;
  remaining: number | null;
  used: number | null;
  resetAt: number | null;
  /** Until when requests are held back; `null` when they are not. */
  blockedUntil: number | null;
  /** What caused the current block; `null` when not blocked. */
  limitedBy: RateLimitKind | null;
  /** When a response was last read; `null` before the first. */
  observedAt: number | null;
}

/** Options of {@link RateLimitState}. */
export interface RateLimitStateOptions {
  /** Gets the one ⚠️ WARNING per limited period, and an info line when it ends. */
  logger?: LoggerLike;
  now?: () => number;
}

/** Where the limit was met, for the log line. */
export interface RequestContext {
  method: string;
  url: string;
}

/**
 * What one GitHub client knows about its rate limit, read from every response (one instance per client, never
 * shared between credentials). It holds requests back while a limit is in force (`blockedUntil`) and paces
 * pollers ({@link RateLimitState.suggestedDelayMs}). Only the `core` resource is tracked: search and GraphQL have
 * budgets of their own that this client does not use.
 */
export class RateLimitState {
  readonly #log: LoggerLike;
  readonly #now: () => number;
  #limit: number | null = null;
  #remaining: number | null = null;
  #used: number | null = null;
  #resetAt: number | null = null;
  #observedAt: number | null = null;
  #blockedUntil: number | null = null;
  #limitedBy: RateLimitKind | null = null;
  #secondaryStreak = 0;

  constructor(options: RateLimitStateOptions = {}) {
    this.#log = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
  }

  /** Reads the rate-limit headers of any answer (success, 304 or error) with its status. */
  observe(headers: Record<string, unknown> | undefined, status: number): void {
    const now = this.#now();
    const read = readRateLimitHeaders(headers, now);
    if (read.resource !== null && read.resource !== 'core') return;
    if (read.limit === null && read.remaining === null && read.resetAt === null) return;
    this.#limit = read.limit ?? this.#limit;
    this.#remaining = read.remaining ?? this.#remaining;
    this.#used = read.used ?? this.#used;
    this.#resetAt = read.resetAt ?? this.#resetAt;
    this.#observedAt = now;
    if (status >= 400) return;
    this.#endBlockIfOver(now);
    // The last request of the window succeeded: the next one would be refused, so stop before sending it.
    if (read.remaining === 0 && read.resetAt !== null && read.resetAt > now) {
      this.recordLimited({ kind: 'primary', retryAfterSeconds: null, resetAt: read.resetAt });
    } else if (this.#blockedUntil === null) {
      this.#secondaryStreak = 0;
    }
  }

  /** Records a rate-limit answer: holds requests back until it lifts, and warns once per limited period. */
  recordLimited(hit: RateLimitHit, context?: RequestContext): void {
    const now = this.#now();
    this.#endBlockIfOver(now);
    const until = now + this.#waitMs(hit, now);
    const wasBlocked = this.#blockedUntil !== null;
    if (this.#blockedUntil === null || until > this.#blockedUntil) {
      this.#blockedUntil = until;
      this.#limitedBy = hit.kind;
    }
    if (hit.kind === 'primary') this.#remaining = 0;
    if (wasBlocked) return;
    this.#log.warn(
      {
        category: 'WARNING',
        kind: hit.kind,
        retryAfterSeconds: Math.ceil((until - now) / 1000),
        resumeAt: new Date(until).toISOString(),
        limit: this.#limit,
        ...(context ? { method: context.method, url: context.url } : {}),
      },
      'GitHub rate limit reached; GitHub requests are held back until it lifts',
    );
  }

  /** Until when requests are held back (epoch ms), or `null` when they may go. */
  blockedUntil(): number | null {
    this.#endBlockIfOver(this.#now());
    return this.#blockedUntil;
  }

  /** Everything known, for health and metrics. */
  snapshot(): RateLimitSnapshot {
    const blockedUntil = this.blockedUntil();
    return {
      limit: this.#limit,
      remaining: this.#remaining,
      used: this.#used,
      resetAt: this.#resetAt,
      blockedUntil,
      limitedBy: blockedUntil === null ? null : this.#limitedBy,
      observedAt: this.#observedAt,
    };
  }

  /** How long a poller should wait before its next cycle; the curve is documented on `suggestDelayMs`. */
  suggestedDelayMs(baseIntervalMs: number): number {
    return suggestDelayMs({
      baseIntervalMs,
      limit: this.#limit,
      remaining: this.#remaining,
      resetAt: this.#resetAt,
      blockedUntil: this.blockedUntil(),
      now: this.#now(),
    });
  }

  #waitMs(hit: RateLimitHit, now: number): number {
    if (hit.retryAfterSeconds !== null) return hit.retryAfterSeconds * 1000;
    if (hit.kind === 'primary') {
      return hit.resetAt !== null && hit.resetAt > now
        ? hit.resetAt - now + RESET_MARGIN_MS
        : PRIMARY_FALLBACK_SECONDS * 1000;
    }
    // Secondary without retry-after: at least a minute, doubling while GitHub keeps refusing.
    this.#secondaryStreak += 1;
    const seconds = SECONDARY_FALLBACK_SECONDS * 2 ** Math.min(this.#secondaryStreak - 1, 10);
    return Math.min(seconds, SECONDARY_MAX_BACKOFF_SECONDS) * 1000;
  }

  #endBlockIfOver(now: number): void {
    if (this.#blockedUntil === null || now < this.#blockedUntil) return;
    this.#log.info(
      { category: 'INFO', kind: this.#limitedBy },
      'GitHub rate limit lifted; GitHub requests resume',
    );
    this.#blockedUntil = null;
    this.#limitedBy = null;
  }
}
