import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  LATENCY_BUCKETS, LATENCY_CEILING_MS, LATENCY_ERROR_FACTOR, latencyBucket, latencyPercentile,
} from './latency-histogram.ts';

/** A deterministic generator (mulberry32), so every run checks the same samples. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The nearest-rank percentile of `sorted`. */
function exactPercentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
}

function histogramOf(samples: readonly number[]): Uint32Array {
  const counts = new Uint32Array(LATENCY_BUCKETS);
  for (const ms of samples) counts[latencyBucket(ms)]!++;
  return counts;
}

describe('latency histogram', () => {
  const distributions: readonly (readonly [string, (random: () => number) => number])[] = [
    ['log-uniform from 0.1 ms to 10 s', (r) => 0.1 * 10 ** (5 * r())],
    ['narrow around 20 ms', (r) => 19 + 2 * r()],
    ['mostly fast with a slow tail', (r) => (r() < 0.97 ? 1 + r() : 500 + 1500 * r())],
    ['exactly 3 ms each', () => 3],
  ];
  for (const [name, draw] of distributions) {
    it(`reads p50, p95 and p99 within the documented factor: ${name}`, () => {
      const random = seeded(7);
      const samples = Array.from({ length: 5000 }, () => draw(random));
      const counts = histogramOf(samples);
      const sorted = [...samples].sort((a, b) => a - b);
      for (const p of [0.5, 0.95, 0.99]) {
        const exact = exactPercentile(sorted, p);
        const read = latencyPercentile(counts, samples.length, p);
        assert.ok(read >= exact / LATENCY_ERROR_FACTOR && read <= exact * LATENCY_ERROR_FACTOR,
          `p${p * 100}: read ${read} ms, exact ${exact} ms`);
        assert.equal(latencyBucket(read), latencyBucket(exact), `p${p * 100} is read inside the true value's bucket`);
      }
    });
  }

  it('keeps every sample, however small, large or malformed', () => {
    const cases: readonly (readonly [number, number])[] = [
      [0, 0], [0.01, 0], [Number.NaN, 0], [-5, 0], [0.05, 1], [1e9, LATENCY_BUCKETS - 1], [LATENCY_CEILING_MS, LATENCY_BUCKETS - 1],
    ];
    for (const [ms, bucket] of cases) assert.equal(latencyBucket(ms), bucket, `${ms} ms`);
  });

  it('reports a latency above the ceiling as the ceiling, and one below 0.05 ms below 0.05 ms', () => {
    assert.equal(latencyPercentile(histogramOf([120_000]), 1, 0.5), LATENCY_CEILING_MS);
    const low = latencyPercentile(histogramOf([0.01]), 1, 0.5);
    assert.ok(low >= 0 && low < 0.05, String(low));
  });

  it('has no percentile without samples', () => {
    assert.ok(Number.isNaN(latencyPercentile(new Uint32Array(LATENCY_BUCKETS), 0, 0.5)));
  });

  it('spans 0.05 ms to about a minute in quarter octaves', () => {
    assert.equal(LATENCY_ERROR_FACTOR, 2 ** 0.25);
    assert.ok(LATENCY_CEILING_MS > 60_000 && LATENCY_CEILING_MS < 65_000, String(LATENCY_CEILING_MS));
  });
});
