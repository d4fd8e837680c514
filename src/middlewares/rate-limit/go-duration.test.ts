import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoDuration } from './go-duration.ts';

const table: [number, string][] = [
  [0, '0s'],
  [1, '1ns'],
  [999, '999ns'],
  [1_500, '1.5µs'],
  [1_000_000, '1ms'],
  [166_666_666, '166.666666ms'],
  [500_000_000, '500ms'],
  [1_000_000_000, '1s'],
  [4_500_000_000, '4.5s'],
  [1_000_000_001, '1.000000001s'],
  [60_000_000_000, '1m0s'],
  [61_500_000_000, '1m1.5s'],
  [3_600_000_000_000, '1h0m0s'],
  [5_430_000_000_000, '1h30m30s'],
  [-1_500_000_000, '-1.5s'],
];

describe('Go duration strings', () => {
  for (const [ns, expected] of table) {
    it(`writes ${ns}ns as ${expected}`, () => {
      assert.equal(formatGoDuration(ns), expected);
    });
  }
});
