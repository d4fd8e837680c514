/**
 * The outlier test of oxy's memmetrics.SplitFloat64, which Traefik 1.x's `drr` rebalancer uses
 * to tell bad servers from good ones (reference §10.4): a value is an outlier when it is above
 * (median + median absolute deviation) × threshold. With an even number of values a sentinel is
 * added first, so that of two values one can stand out (with 0 as sentinel, [0.1, 0.5] splits).
 */

/** The outlier limit of `values` (which it does not reorder). */
export type OutlierLimit = (threshold: number, sentinel: number, values: ArrayLike<number>) => number;

function median(sorted: Float64Array): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 !== 0 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Creates the test for sets of exactly `count` values. It works in buffers made here, so it can
 * run after every request (as oxy does while weights are steady) without allocating.
 */
export function createOutlierLimit(count: number): OutlierLimit {
  const size = count % 2 === 0 ? count + 1 : count;
  const sorted = new Float64Array(size);
  const deviations = new Float64Array(size);
  return (threshold, sentinel, values) => {
    if (values.length !== count) throw new Error(`outlier test made for ${count} values, given ${values.length}`);
    for (let i = 0; i < count; i++) sorted[i] = values[i]!;
    if (size > count) sorted[count] = sentinel;
    sorted.sort(); // typed arrays sort numerically, in place
    const m = median(sorted);
    for (let i = 0; i < size; i++) deviations[i] = Math.abs(sorted[i]! - m);
    deviations.sort();
    return (m + median(deviations)) * threshold;
  };
}
