import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../lib/manual-clock.ts';
import { ConnectionDeadline } from './connection-deadline.ts';

test('fires once when the clock reaches the deadline', () => {
  const clock = createManualClock();
  let fired = 0;
  const deadline = new ConnectionDeadline(clock, () => fired++);
  deadline.in(100);
  clock.advance(99);
  assert.equal(fired, 0);
  clock.advance(1);
  assert.equal(fired, 1);
  clock.advance(1000);
  assert.equal(fired, 1);
});

test('moving the deadline later keeps one timer and fires at the new time', () => {
  const clock = createManualClock();
  let fired = 0;
  const deadline = new ConnectionDeadline(clock, () => fired++);
  deadline.in(100);
  for (let i = 0; i < 50; i++) {
    clock.advance(10);
    deadline.in(100); // activity: pushed back each time
  }
  assert.equal(clock.pending(), 1, 'one timer, not one per move');
  assert.equal(fired, 0);
  clock.advance(100);
  assert.equal(fired, 1);
});

test('moving the deadline earlier re-arms the timer', () => {
  const clock = createManualClock();
  let fired = 0;
  const deadline = new ConnectionDeadline(clock, () => fired++);
  deadline.in(10_000);
  deadline.in(50);
  clock.advance(50);
  assert.equal(fired, 1);
  assert.equal(clock.pending(), 0);
});

test('a cleared deadline never fires; dispose cancels the timer', () => {
  const clock = createManualClock();
  let fired = 0;
  const deadline = new ConnectionDeadline(clock, () => fired++);
  deadline.in(100);
  deadline.clear();
  clock.advance(200);
  assert.equal(fired, 0);
  deadline.in(100);
  deadline.dispose();
  assert.equal(clock.pending(), 0);
  clock.advance(200);
  assert.equal(fired, 0);
  deadline.in(0);
  assert.equal(clock.pending(), 0, '0 means no deadline');
});
