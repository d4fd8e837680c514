import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../lib/manual-clock.ts';
import { createRatioCounter } from './rolling-ratio.ts';

function setup(): { clock: ReturnType<typeof createManualClock>; counter: ReturnType<typeof createRatioCounter> } {
  const clock = createManualClock(0);
  return { clock, counter: createRatioCounter(clock, 10, 1000) };
}

test('the ratio is A over A + B in the window, 0 with no data', () => {
  const { clock, counter } = setup();
  assert.equal(counter.ratio(), 0);
  counter.incA(1);
  clock.advance(5000);
  counter.incB(3);
  assert.equal(counter.ratio(), 0.25);
  clock.advance(4500); // t = 9.5 s: second 0 is still in the window
  assert.equal(counter.ratio(), 0.25);
  clock.advance(1000); // t = 10.5 s: second 0 has left it
  assert.equal(counter.ratio(), 0);
});

test('after a gap, clean-up steps back cumulatively and can leave an old bucket, as oxy v1 does', () => {
  const { clock, counter } = setup();
  counter.incA(1);
  clock.advance(12000);
  // Clears seconds 12, 11, 9, 6 and 2 (offsets 0, 1, 3, 6, 10): bucket 0 keeps its 12 s old count.
  assert.equal(counter.ratio(), 1);
  clock.advance(1000);
  // Seconds 13, 12, 10 (bucket 0), …: now it is gone.
  assert.equal(counter.ratio(), 0);
});

test('is ready once A and B together have moved through as many buckets as the window has', () => {
  const { clock, counter } = setup();
  for (let second = 0; second < 9; second++) {
    counter.incB(1);
    counter.incB(1); // the same bucket again does not count
    clock.advance(1000);
  }
  assert.equal(counter.isReady(), false);
  counter.incB(1);
  assert.equal(counter.isReady(), true);

  const both = setup();
  for (let second = 0; second < 5; second++) {
    both.counter.incA(1);
    both.counter.incB(1);
    both.clock.advance(1000);
  }
  assert.equal(both.counter.isReady(), true); // 5 buckets of A + 5 of B
});

test('readiness is never lost', () => {
  const { clock, counter } = setup();
  for (let second = 0; second < 10; second++) {
    counter.incB(1);
    clock.advance(1000);
  }
  clock.advance(60_000);
  assert.equal(counter.ratio(), 0);
  assert.equal(counter.isReady(), true);
});
