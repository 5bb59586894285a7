import type { FastifyBaseLogger } from 'fastify';

/** Default spacing of refusal warnings: one a minute at most. */
export const REFUSAL_LOG_INTERVAL_MS = 60_000;

/** One refused delivery, as its warning describes it. */
export interface RefusalDetails {
  /** The error code the sender got (`webhook.signature_missing`, …). */
  code: string;
  /** `X-GitHub-Delivery`, when sent. */
  delivery: string | undefined;
  /** The client address. */
  client: string;
}

/** Options of {@link RefusalLog}. */
export interface RefusalLogOptions {
  logger: FastifyBaseLogger;
  /** Least time between two warnings. Default {@link REFUSAL_LOG_INTERVAL_MS}. */
  intervalMs?: number;
  /** The clock, in ms since the epoch (tests pass their own). Default `Date.now`. */
  now?: () => number;
}

/**
 * Warns about refused webhook deliveries at most once per interval. The first refusal after a quiet interval gets
 * a warning of its own (a misconfigured hook shows at once, with its code and client); the ones after it are
 * counted by code and reported in one summary: with the next warning, when the interval is over, or on close.
 * A flood of forged deliveries thus costs a counter increment each, not a log line each. Exact counts are in
 * the `webhook_deliveries_total{result}` metric.
 */
export class RefusalLog {
  readonly #logger: FastifyBaseLogger;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #suppressed = new Map<string, number>();
  #lastWarningAt: number | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: RefusalLogOptions) {
    this.#logger = options.logger;
    this.#intervalMs = options.intervalMs ?? REFUSAL_LOG_INTERVAL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Notes one refusal: a warning now, or a count for the next summary. */
  record(details: RefusalDetails): void {
    const now = this.#now();
    if (this.#lastWarningAt === null || now - this.#lastWarningAt >= this.#intervalMs) {
      const suppressed = this.#takeSuppressed();
      this.#logger.warn(
        { category: 'WARNING', ...details, ...(suppressed === null ? {} : { suppressed }) },
        'webhook delivery refused',
      );
      this.#lastWarningAt = now;
      return;
    }
    this.#suppressed.set(details.code, (this.#suppressed.get(details.code) ?? 0) + 1);
    // A flood that stops still gets its summary, one interval after the last warning.
    this.#timer ??= setTimeout(() => this.flush(), this.#intervalMs - (now - this.#lastWarningAt));
    this.#timer.unref();
  }

  /** Writes the summary of the refusals not yet reported, if any. */
  flush(): void {
    const suppressed = this.#takeSuppressed();
    if (suppressed === null) return;
    const total = Object.values(suppressed).reduce((sum, count) => sum + count, 0);
    this.#logger.warn(
      { category: 'WARNING', suppressed, total },
      'webhook deliveries refused since the last warning',
    );
    this.#lastWarningAt = this.#now();
  }

  /** Stops the timer and writes what is left. */
  close(): void {
    this.flush();
  }

  #takeSuppressed(): Record<string, number> | null {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#suppressed.size === 0) return null;
    const counts = Object.fromEntries(this.#suppressed);
    this.#suppressed.clear();
    return counts;
  }
}
