/**
 * Log-bucketed latency histogram: fixed bucket bounds shared by every histogram, so recording
 * a sample is one logarithm and one array increment, and merging histograms is adding arrays.
 *
 * Buckets are quarter octaves from 0.05 ms: bucket 0 holds [0, 0.05 ms), bucket k (1…81)
 * holds [0.05·2^((k−1)/4), 0.05·2^(k/4)) ms, and the last bucket everything from
 * 0.05·2^(81/4) ≈ 62.4 s up. A percentile is read as the nearest-rank sample's bucket,
 * interpolated geometrically by rank inside it, so between 0.05 ms and 62.4 s the value
 * reported lies in the same bucket as the true one: within a factor 2^(1/4) of it (at most
 * 19 % too high or 16 % too low). Below 0.05 ms the error is at most 0.05 ms; above 62.4 s
 * the value reported is 62.4 s (a lower bound).
 */

/** Lower bound of bucket 1 in milliseconds. */
const LOWEST_MS = 0.05;
/** Buckets per doubling. */
const PER_OCTAVE = 4;
/** Bucketed range: bucket k ≤ TOP_BUCKET has upper bound LOWEST_MS·2^(k/PER_OCTAVE). */
const TOP_BUCKET = 81;

/** Number of buckets of every latency histogram. */
export const LATENCY_BUCKETS = TOP_BUCKET + 2;

/** The factor within which a percentile read from the histogram lies of the true value. */
export const LATENCY_ERROR_FACTOR = 2 ** (1 / PER_OCTAVE);

/** Latencies from this many milliseconds up fall into the last bucket. */
export const LATENCY_CEILING_MS = LOWEST_MS * 2 ** (TOP_BUCKET / PER_OCTAVE);

/** The bucket a latency in milliseconds falls into. */
export function latencyBucket(ms: number): number {
  if (!(ms >= LOWEST_MS)) return 0; // also NaN: a sample is never lost
  const k = Math.floor(Math.log2(ms / LOWEST_MS) * PER_OCTAVE) + 1;
  return k > TOP_BUCKET + 1 ? TOP_BUCKET + 1 : k;
}

/** Lower bound of bucket `k` in milliseconds. */
function lowerBound(k: number): number {
  return k === 0 ? 0 : LOWEST_MS * 2 ** ((k - 1) / PER_OCTAVE);
}

/**
 * The `p`-th percentile (0 < p ≤ 1) of the samples counted in `counts` (LATENCY_BUCKETS long),
 * in milliseconds, or NaN when there is none. `total` is the sum of `counts`.
 */
export function latencyPercentile(counts: ArrayLike<number>, total: number, p: number): number {
  if (total <= 0) return Number.NaN;
  // Nearest rank: the smallest sample with at least p·total samples at or below it.
  const rank = Math.max(1, Math.ceil(p * total));
  let before = 0;
  for (let k = 0; k < LATENCY_BUCKETS; k++) {
    const c = counts[k]!;
    if (c === 0 || before + c < rank) {
      before += c;
      continue;
    }
    // Where the rank falls among the bucket's samples, taken at the middle of its share.
    const f = (rank - before - 0.5) / c;
    if (k === 0) return LOWEST_MS * f;
    if (k > TOP_BUCKET) return LATENCY_CEILING_MS;
    return lowerBound(k) * LATENCY_ERROR_FACTOR ** f;
  }
  return LATENCY_CEILING_MS; // unreachable while total matches counts
}
