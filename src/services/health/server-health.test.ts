import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../lib/manual-clock.ts';
import { createHealthRegistry, healthHistoryLength, type ServerHealth } from './server-health.ts';

const url = 'http://10.0.0.1:80';

test('creates a record UP on first acquire and returns the same record while referenced', () => {
  const clock = createManualClock(500);
  const registry = createHealthRegistry(clock);
  const a = registry.acquire('api@file', url);
  const b = registry.acquire('api@file', url);
  assert.equal(a, b);
  assert.equal(a.status, 'UP');
  assert.equal(a.since, 500);
  assert.equal(a.reason, '');
  assert.deepEqual(a.history, []);
  assert.equal(registry.get('api@file', url), a);
});

test('keys records by service and server URL', () => {
  const registry = createHealthRegistry(createManualClock());
  const a = registry.acquire('api@file', url);
  assert.notEqual(registry.acquire('web@file', url), a);
  assert.notEqual(registry.acquire('api@file', 'http://10.0.0.2:80'), a);
});

test('forgets a record when its last reference is released, and not before', () => {
  const registry = createHealthRegistry(createManualClock());
  const a = registry.acquire('api@file', url);
  registry.acquire('api@file', url);
  a.set('DOWN', 'probe failed');
  registry.release('api@file', url);
  assert.equal(registry.get('api@file', url), a);
  registry.release('api@file', url);
  assert.equal(registry.get('api@file', url), undefined);
  const fresh = registry.acquire('api@file', url);
  assert.notEqual(fresh, a);
  assert.equal(fresh.status, 'UP');
});

test('ignores a release of an unknown record', () => {
  const registry = createHealthRegistry(createManualClock());
  registry.release('api@file', url);
  assert.equal(registry.get('api@file', url), undefined);
});

test('records each change with its time, status and reason', () => {
  const clock = createManualClock();
  const health = createHealthRegistry(clock).acquire('api@file', url);
  clock.advance(1000);
  health.set('DOWN', 'GET http://10.0.0.1/health: status 500 (expected 200-399)');
  clock.advance(2000);
  health.set('UP', 'GET http://10.0.0.1/health: status 200');
  assert.equal(health.status, 'UP');
  assert.equal(health.since, 3000);
  assert.equal(health.reason, 'GET http://10.0.0.1/health: status 200');
  assert.deepEqual(health.history.map(({ at, status, reason }) => ({ at, status, reason })), [
    { at: 1000, status: 'DOWN', reason: 'GET http://10.0.0.1/health: status 500 (expected 200-399)' },
    { at: 3000, status: 'UP', reason: 'GET http://10.0.0.1/health: status 200' },
  ]);
  assert.equal(typeof health.history[0]!.time, 'string');
});

test(`keeps only the last ${healthHistoryLength} transitions`, () => {
  const clock = createManualClock();
  const health = createHealthRegistry(clock).acquire('api@file', url);
  for (let i = 1; i <= 25; i++) {
    clock.advance(1);
    health.set(i % 2 === 1 ? 'DOWN' : 'UP', `change ${i}`);
  }
  assert.equal(health.history.length, 20);
  assert.equal(health.history[0]!.reason, 'change 6');
  assert.equal(health.history[19]!.reason, 'change 25');
});

test('setting the same status replaces the reason without a history entry or a notification', () => {
  const clock = createManualClock();
  const health = createHealthRegistry(clock).acquire('api@file', url);
  const seen: string[] = [];
  health.subscribe((h) => seen.push(`${h.status} ${h.reason}`));
  clock.advance(10);
  health.set('UP', 'still fine');
  assert.deepEqual(seen, []);
  assert.deepEqual(health.history, []);
  assert.equal(health.reason, 'still fine');
  assert.equal(health.since, 0);
});

test('notifies subscribers after each change until they unsubscribe', () => {
  const health = createHealthRegistry(createManualClock()).acquire('api@file', url);
  const first: string[] = [];
  const second: string[] = [];
  const unsubscribe = health.subscribe((h) => first.push(h.status));
  health.subscribe((h: ServerHealth) => second.push(h.status));
  health.set('DOWN', 'a');
  unsubscribe();
  health.set('UP', 'b');
  assert.deepEqual(first, ['DOWN']);
  assert.deepEqual(second, ['DOWN', 'UP']);
});

test('a change resets the check counts that lead back to the other status', () => {
  const health = createHealthRegistry(createManualClock()).acquire('api@file', url);
  health.checks.failures = 2;
  health.checks.successes = 3;
  health.set('DOWN', 'passive: 3 failures within 10s');
  assert.equal(health.checks.successes, 0);
  assert.equal(health.checks.failures, 2);
  health.checks.successes = 1;
  health.checks.passiveDownAt = 5;
  health.set('UP', 'ok');
  assert.equal(health.checks.failures, 0);
  assert.equal(health.checks.successes, 1);
  assert.equal(health.checks.passiveDownAt, undefined);
});

test('keeps the check bookkeeping across a release and re-acquire while referenced (a reload)', () => {
  const registry = createHealthRegistry(createManualClock());
  const old = registry.acquire('api@file', url);
  old.checks.lastProbeAt = 1234;
  old.checks.passiveFailures.push(1000, 1100);
  const next = registry.acquire('api@file', url);
  registry.release('api@file', url);
  assert.equal(next.checks.lastProbeAt, 1234);
  assert.deepEqual(next.checks.passiveFailures, [1000, 1100]);
});
