import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../lib/manual-clock.ts';
import { stopEntryPoint } from './graceful-stop.ts';

/** An entry point stand-in that records calls and finishes its requests when told to. */
function fakeEntryPoint() {
  const calls: string[] = [];
  let idle: (() => void) | null = null;
  return {
    calls,
    finishRequests: () => idle?.(),
    entryPoint: {
      name: 'web',
      stopAccepting: () => calls.push('stopAccepting'),
      whenIdle: () => new Promise<void>((resolve) => { idle = resolve; }),
      closeAll: () => calls.push('closeAll'),
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('keeps accepting for requestAcceptGraceTimeout, then drains until requests finish', async () => {
  const clock = createManualClock();
  const fake = fakeEntryPoint();
  const phases: string[] = [];
  const done = stopEntryPoint(fake.entryPoint, { requestAcceptGraceTimeoutMs: 5000, graceTimeOutMs: 10_000 }, clock, { onPhase: (p) => phases.push(p) });
  await tick();
  clock.advance(4999);
  await tick();
  assert.deepEqual(fake.calls, [], 'still accepting before the accept grace time is over');
  clock.advance(1);
  await tick();
  assert.deepEqual(fake.calls, ['stopAccepting']);
  fake.finishRequests();
  await done;
  assert.deepEqual(fake.calls, ['stopAccepting', 'closeAll']);
  assert.deepEqual(phases, ['stop-accepting', 'draining', 'closed']);
});

test('cuts what is left when graceTimeOut runs out', async () => {
  const clock = createManualClock();
  const fake = fakeEntryPoint();
  const done = stopEntryPoint(fake.entryPoint, { requestAcceptGraceTimeoutMs: 0, graceTimeOutMs: 10_000 }, clock);
  await tick();
  assert.deepEqual(fake.calls, ['stopAccepting']);
  clock.advance(10_000);
  await done;
  assert.deepEqual(fake.calls, ['stopAccepting', 'closeAll']);
});
