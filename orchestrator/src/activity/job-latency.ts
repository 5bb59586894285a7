import type { JobLatency, Percentiles } from '@gha-ephemeral/contract';

/** The latency chart's window and bucket. */
export const LATENCY_WINDOW_MS = 60 * 60_000;
export const LATENCY_BUCKET_MS = 5 * 60_000;
/** Most samples kept: a busy hour beyond this keeps its newest (the chart is a glance, not an archive). */
const MAX_SAMPLES = 10_000;

type Kind = 'toRunning' | 'toTaken';
interface Sample {
  atMs: number;
  kind: Kind;
  ms: number;
}

/** Nearest-rank percentiles of `values` (any order). */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { count: 0, p50Ms: null, p95Ms: null };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { count: sorted.length, p50Ms: rank(50), p95Ms: rank(95) };
}

/** How long jobs took from queued to a runner running, and to being taken, over the last hour. */
export class JobLatencySamples {
  readonly #now: () => number;
  #samples: Sample[] = [];

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Notes that a job reached a step `ms` after it was queued (a negative span, from clock skew, counts as 0). */
  add(kind: Kind, ms: number): void {
    this.#prune();
    if (this.#samples.length >= MAX_SAMPLES) this.#samples.shift();
    this.#samples.push({ atMs: this.#now(), kind, ms: Math.max(0, ms) });
  }

  #prune(): void {
    const from = this.#now() - LATENCY_WINDOW_MS;
    const first = this.#samples.findIndex((sample) => sample.atMs >= from);
    this.#samples = first === -1 ? [] : first === 0 ? this.#samples : this.#samples.slice(first);
  }

  /** The last hour in five-minute buckets, oldest first, and the whole hour. */
  summary(): JobLatency {
    this.#prune();
    const now = this.#now();
    const firstStart =
      Math.floor((now - LATENCY_WINDOW_MS) / LATENCY_BUCKET_MS) * LATENCY_BUCKET_MS + LATENCY_BUCKET_MS;
    const count = Math.ceil((now - firstStart + 1) / LATENCY_BUCKET_MS);
    const of = (kind: Kind, from: number, to: number) =>
      percentiles(
        this.#samples.filter((s) => s.kind === kind && s.atMs >= from && s.atMs < to).map((s) => s.ms),
      );
    const buckets = Array.from({ length: count }, (_, index) => {
      const start = firstStart + index * LATENCY_BUCKET_MS;
      const end = start + LATENCY_BUCKET_MS;
      return {
        start: new Date(start).toISOString(),
        toRunning: of('toRunning', start, end),
        toTaken: of('toTaken', start, end),
      };
    });
    return {
      windowMinutes: LATENCY_WINDOW_MS / 60_000,
      bucketMinutes: LATENCY_BUCKET_MS / 60_000,
      buckets,
      // Over the buckets' span, so that the buckets' counts add up to the whole.
      overall: {
        toRunning: of('toRunning', firstStart, Infinity),
        toTaken: of('toTaken', firstStart, Infinity),
      },
    };
  }
}
