import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from './manual-clock.ts';
import { createThrottle } from './throttle.ts';

test('a zero window applies every value at once', () => {
  const clock = createManualClock();
  const applied: number[] = [];
  const throttle = createThrottle<number>({ windowMs: 0, clock, apply: (v) => applied.push(v) });
  throttle.push(1);
  throttle.push(2);
  assert.deepEqual(applied, [1, 2]);
  assert.equal(clock.pending(), 0);
});

test('a burst is applied as its first and its last value, one window apart', () => {
  const clock = createManualClock();
  const applied: [number, number][] = [];
  const throttle = createThrottle<number>({ windowMs: 100, clock, apply: (v) => applied.push([clock.now(), v]) });
  for (let i = 1; i <= 5; i++) {
    throttle.push(i);
    clock.advance(30);
  }
  clock.advance(1000);
  assert.deepEqual(applied, [[0, 1], [100, 4], [200, 5]]);
});

test('the window closes quietly when nothing waits', () => {
  const clock = createManualClock();
  const throttle = createThrottle<number>({ windowMs: 100, clock, apply: () => {} });
  throttle.push(1);
  clock.advance(100);
  assert.equal(clock.pending(), 0);
});
