import { describe, expect, it } from 'vitest';
import { JobLatencySamples, LATENCY_BUCKET_MS, LATENCY_WINDOW_MS, percentiles } from './job-latency.js';

const MINUTE = 60_000;
const T0 = Date.parse('2030-01-01T14:07:30.000Z');

function samplesAt(start = T0) {
  let now = start;
  return {
    samples: new JobLatencySamples(() => now),
    advance: (ms: number) => (now += ms),
  };
}

describe('percentiles (nearest rank)', () => {
  it('is empty without values', () => {
    expect(percentiles([])).toEqual({ count: 0, p50Ms: null, p95Ms: null });
  });

  it.each([
    { values: [42], p50: 42, p95: 42 },
    { values: [1, 2], p50: 1, p95: 2 },
    { values: [10, 9, 8, 7, 6, 5, 4, 3, 2, 1], p50: 5, p95: 10 },
    { values: Array.from({ length: 20 }, (_, i) => i + 1), p50: 10, p95: 19 },
    { values: Array.from({ length: 100 }, (_, i) => 100 - i), p50: 50, p95: 95 },
    { values: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1000], p50: 1, p95: 1000 },
  ])(
    'of $values.length values: p50 $p50, p95 $p95 (values that were seen, in any order)',
    ({ values, p50, p95 }) => {
      expect(percentiles(values)).toEqual({ count: values.length, p50Ms: p50, p95Ms: p95 });
    },
  );
});

describe('JobLatencySamples', () => {
  it('covers the last hour in twelve five-minute buckets, oldest first, the last one holding now', () => {
    const { samples } = samplesAt();
    const { buckets, windowMinutes, bucketMinutes } = samples.summary();
    expect([windowMinutes, bucketMinutes]).toEqual([60, 5]);
    expect(buckets).toHaveLength(LATENCY_WINDOW_MS / LATENCY_BUCKET_MS);
    const starts = buckets.map((bucket) => Date.parse(bucket.start));
    for (const [index, start] of starts.entries()) {
      expect(start % LATENCY_BUCKET_MS).toBe(0);
      if (index > 0) expect(start - starts[index - 1]!).toBe(LATENCY_BUCKET_MS);
    }
    expect(buckets.at(-1)!.start).toBe('2030-01-01T14:05:00.000Z');
    expect(starts[0]).toBeGreaterThan(T0 - LATENCY_WINDOW_MS);
    expect(buckets.every((bucket) => bucket.toTaken.count === 0 && bucket.toRunning.p50Ms === null)).toBe(
      true,
    );
  });

  it('still has twelve buckets when now falls on a bucket boundary', () => {
    const { samples } = samplesAt(Date.parse('2030-01-01T14:05:00.000Z'));
    const { buckets } = samples.summary();
    expect(buckets).toHaveLength(12);
    expect(buckets.at(-1)!.start).toBe('2030-01-01T14:05:00.000Z');
  });

  it('puts each sample in the bucket of when it was taken, per kind', () => {
    const { samples, advance } = samplesAt(T0 - 10 * MINUTE);
    samples.add('toTaken', 9_000);
    advance(10 * MINUTE);
    samples.add('toTaken', 3_000);
    samples.add('toRunning', 1_000);
    const { buckets, overall } = samples.summary();
    const at = (start: string) => buckets.find((bucket) => bucket.start === start)!;
    expect(at('2030-01-01T14:05:00.000Z').toTaken).toEqual({ count: 1, p50Ms: 3_000, p95Ms: 3_000 });
    expect(at('2030-01-01T14:05:00.000Z').toRunning).toEqual({ count: 1, p50Ms: 1_000, p95Ms: 1_000 });
    expect(at('2030-01-01T13:55:00.000Z').toTaken).toEqual({ count: 1, p50Ms: 9_000, p95Ms: 9_000 });
    expect(at('2030-01-01T13:55:00.000Z').toRunning.count).toBe(0);
    expect(overall.toTaken).toEqual({ count: 2, p50Ms: 3_000, p95Ms: 9_000 });
    expect(overall.toRunning.count).toBe(1);
  });

  it('lets samples older than an hour fall out', () => {
    const { samples, advance } = samplesAt();
    samples.add('toTaken', 1_000);
    advance(30 * MINUTE);
    samples.add('toTaken', 2_000);
    expect(samples.summary().overall.toTaken.count).toBe(2);
    advance(31 * MINUTE);
    expect(samples.summary().overall.toTaken).toEqual({ count: 1, p50Ms: 2_000, p95Ms: 2_000 });
    const counted = samples.summary().buckets.reduce((sum, bucket) => sum + bucket.toTaken.count, 0);
    expect(counted).toBe(1);
    advance(30 * MINUTE);
    expect(samples.summary().overall.toTaken).toEqual({ count: 0, p50Ms: null, p95Ms: null });
  });

  it('counts a negative span (clock skew) as zero', () => {
    const { samples } = samplesAt();
    samples.add('toRunning', -5_000);
    expect(samples.summary().overall.toRunning).toEqual({ count: 1, p50Ms: 0, p95Ms: 0 });
  });
});
