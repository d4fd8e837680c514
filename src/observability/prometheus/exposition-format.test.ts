import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHelp, escapeLabelValue, formatSampleValue } from './exposition-format.ts';

test('numbers are written as Go\'s FormatFloat(v, \'g\', -1, 64) writes them', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '0'],
    [1, '1'],
    [7, '7'],
    [-2.5, '-2.5'],
    [0.1, '0.1'],
    [1.2, '1.2'],
    [0.30000000000000004, '0.30000000000000004'],
    [999999, '999999'],
    [123456.7, '123456.7'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [-1234567, '-1.234567e+06'],
    [1700000000, '1.7e+09'],
    [1e21, '1e+21'],
    [1e100, '1e+100'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [3.2e-5, '3.2e-05'],
    [1.5e-7, '1.5e-07'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [NaN, 'NaN'],
  ];
  for (const [v, want] of cases) assert.equal(formatSampleValue(v), want, String(v));
});

test('label values escape backslash, double quote and line feed; other text stays as it is', () => {
  assert.equal(escapeLabelValue('plain value é'), 'plain value é');
  assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
});

test('help texts escape backslash and line feed but not quotes', () => {
  assert.equal(escapeHelp('say "hi"\\now\nnext'), 'say "hi"\\\\now\\nnext');
});
