import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOutlierLimit } from './outlier-limit.ts';

const outlierLimit = (threshold: number, sentinel: number, values: ArrayLike<number>): number =>
  createOutlierLimit(values.length)(threshold, sentinel, values);

const outliers = (values: number[]): number[] => {
  const limit = outlierLimit(1.5, 0, values);
  return values.filter((v) => v > limit);
};

test('a value above (median + MAD) × threshold is an outlier', () => {
  const cases: { values: number[]; limit: number; outliers: number[] }[] = [
    { values: [0, 0, 1], limit: 0, outliers: [1] },
    { values: [0, 0, 0], limit: 0, outliers: [] },
    { values: [0.1, 0.1, 0.1], limit: 0.15000000000000002, outliers: [] },
    // median 0.15; deviations 0.05, 0.05, 0.75, 0, 0.03 → MAD is |0.1 − 0.15| (the smaller 0.05 in floats)
    { values: [0.2, 0.1, 0.9, 0.15, 0.12], limit: (0.15 + Math.abs(0.1 - 0.15)) * 1.5, outliers: [0.9] },
  ];
  for (const c of cases) {
    assert.equal(outlierLimit(1.5, 0, c.values), c.limit, c.values.join(','));
    assert.deepEqual(outliers(c.values), c.outliers, c.values.join(','));
  }
});

test('an even count gets the sentinel, so one of two values can stand out', () => {
  // [0.1, 0.5, 0]: median 0.1, deviations [0.1, 0, 0.4] → MAD 0.1, limit 0.3.
  assert.deepEqual(outliers([0.1, 0.5]), [0.5]);
  assert.equal(outlierLimit(1.5, 0, [0.1, 0.5]), (0.1 + 0.1) * 1.5);
  // Without the sentinel (odd count already) nothing would stand out of [0.1, 0.5, 0.3].
  assert.deepEqual(outliers([0.1, 0.5, 0.3]), []);
});

test('does not reorder its input, and can be reused', () => {
  const limit = createOutlierLimit(3);
  const values = new Float64Array([0.9, 0.1, 0.5]);
  assert.equal(limit(1.5, 0, values), (0.5 + 0.4) * 1.5);
  assert.deepEqual([...values], [0.9, 0.1, 0.5]);
  assert.equal(limit(1.5, 0, [0, 0, 1]), 0);
  assert.throws(() => limit(1.5, 0, [0, 1]), /made for 3 values, given 2/);
});
