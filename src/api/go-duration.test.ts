import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration } from './go-duration.ts';

describe('formatGoDuration', () => {
  const cases: readonly (readonly [ms: number, text: string])[] = [
    [0, '0s'],
    [100, '100ms'],
    [1.5, '1.5ms'],
    [0.0015, '1.5µs'],
    [0.000001, '1ns'],
    [1000, '1s'],
    [1500, '1.5s'],
    [30_000, '30s'],
    [90_000, '1m30s'],
    [60_000, '1m0s'],
    [3_600_000, '1h0m0s'],
    [3_661_500, '1h1m1.5s'],
    [-1, '-1ms'],
    [-90_000, '-1m30s'],
  ];
  for (const [ms, text] of cases) {
    it(`formats ${ms}ms as ${text}`, () => {
      assert.equal(formatGoDuration(ms), text);
    });
  }
});
