import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseGoDuration } from './duration.ts';

test('reads Go durations and bare integers (seconds) as milliseconds', () => {
  const cases: [string, number | null][] = [
    ['10s', 10_000], ['1m30s', 90_000], ['100ms', 100], ['1h', 3_600_000], ['1.5h', 5_400_000],
    ['-1s', -1000], ['-1ms', -1], ['0', 0], ['30', 30_000], ['-5', -5000], ['500us', 0.5], ['500µs', 0.5],
    ['1000000ns', 1], ['2h45m', 9_900_000], ['+3s', 3000],
    ['', null], ['abc', null], ['1.5', null], ['10x', null], ['s', null], ['.s', null], ['1s ', 1000],
  ];
  for (const [text, expected] of cases) assert.equal(parseGoDuration(text), expected, text);
});

test('formats milliseconds as a short duration', () => {
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(100), '100ms');
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(-1000), '-1s');
  assert.equal(formatDuration(3_600_000), '1h');
});
