import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from './manual-clock.ts';

test('fires timers in deadline order, then in the order they were set', () => {
  const clock = createManualClock();
  const fired: string[] = [];
  clock.setTimeout(() => fired.push('b'), 20);
  clock.setTimeout(() => fired.push('a'), 10);
  clock.setTimeout(() => fired.push('c'), 20);
  clock.advance(20);
  assert.deepEqual(fired, ['a', 'b', 'c']);
});

test('runs a timer set by a firing timer when it falls due within the advance', () => {
  const clock = createManualClock();
  const fired: number[] = [];
  clock.setTimeout(() => clock.setTimeout(() => fired.push(clock.now()), 5), 5);
  clock.advance(10);
  assert.deepEqual(fired, [10]);
});

test('does not fire a cancelled timer', () => {
  const clock = createManualClock();
  let fired = false;
  const handle = clock.setTimeout(() => { fired = true; }, 5);
  clock.clearTimeout(handle);
  clock.advance(10);
  assert.equal(fired, false);
  assert.equal(clock.pending(), 0);
});
