import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../lib/manual-clock.ts';
import { createAffinityRegistry, createAffinityTable } from './client-ip-affinity.ts';

const timeout = 10_000;

test('keeps the binding while the client returns within the timeout', () => {
  const clock = createManualClock();
  const table = createAffinityTable(clock, timeout);
  table.set('10.0.0.1', 'http://a');
  for (let i = 0; i < 20; i++) {
    clock.advance(0.9 * timeout);
    assert.equal(table.get('10.0.0.1'), 'http://a', `visit ${i}`);
  }
  assert.equal(clock.now(), 18 * timeout);
});

test('expires after the timeout of idleness and removes the entry', () => {
  const clock = createManualClock();
  const table = createAffinityTable(clock, timeout);
  table.set('10.0.0.1', 'http://a');
  table.set('10.0.0.2', 'http://b');
  clock.advance(timeout - 1);
  assert.equal(table.get('10.0.0.2'), 'http://b');
  clock.advance(1);
  assert.equal(table.get('10.0.0.1'), undefined);
  assert.equal(table.size, 1);
  assert.equal(table.get('10.0.0.2'), 'http://b');
});

test('set rebinds and restarts the idle timer', () => {
  const clock = createManualClock();
  const table = createAffinityTable(clock, timeout);
  table.set('10.0.0.1', 'http://a');
  clock.advance(timeout - 1);
  table.set('10.0.0.1', 'http://b');
  clock.advance(timeout - 1);
  assert.equal(table.get('10.0.0.1'), 'http://b');
  assert.equal(table.size, 1);
});

test('set evicts expired entries from the front, a few at a time', () => {
  const clock = createManualClock();
  const table = createAffinityTable(clock, timeout);
  for (let i = 0; i < 10; i++) table.set(`10.0.0.${i}`, 'http://a');
  clock.advance(timeout);
  table.set('10.0.1.0', 'http://b');
  assert.equal(table.size, 9); // two expired evicted, one added
  for (let i = 1; i < 5; i++) table.set(`10.0.1.${i}`, 'http://b');
  assert.equal(table.size, 5); // the ten expired are gone, the five live remain
});

test('a full table evicts the least recently seen client', () => {
  const clock = createManualClock();
  const table = createAffinityTable(clock, timeout, 3);
  table.set('a', 'http://1');
  clock.advance(1);
  table.set('b', 'http://1');
  clock.advance(1);
  table.set('c', 'http://1');
  clock.advance(1);
  assert.equal(table.get('a'), 'http://1'); // a is now the most recently seen
  table.set('d', 'http://2');
  assert.equal(table.size, 3);
  assert.equal(table.get('b'), undefined);
  assert.equal(table.get('a'), 'http://1');
  assert.equal(table.get('c'), 'http://1');
  assert.equal(table.get('d'), 'http://2');
  table.set('c', 'http://3'); // rebinding an existing client evicts nobody
  assert.equal(table.size, 3);
});

test('delete and forgetServer remove bindings', () => {
  const clock = createManualClock();
  const table = createAffinityTable(clock, timeout);
  table.set('a', 'http://1');
  table.set('b', 'http://2');
  table.set('c', 'http://1');
  table.set('d', 'http://3');
  table.forgetServer('http://1');
  assert.equal(table.size, 2);
  assert.equal(table.get('a'), undefined);
  assert.equal(table.get('c'), undefined);
  assert.equal(table.get('b'), 'http://2');
  table.delete('b');
  table.delete('unknown');
  assert.equal(table.get('b'), undefined);
  assert.equal(table.get('d'), 'http://3');
  assert.equal(table.size, 1);
});

test('a changed timeout applies to existing bindings', () => {
  const clock = createManualClock();
  const table = createAffinityTable(clock, timeout);
  table.set('a', 'http://1');
  table.set('b', 'http://1');
  clock.advance(5_000);
  table.timeoutMs = 5_001;
  assert.equal(table.get('a'), 'http://1');
  table.timeoutMs = 5_000;
  assert.equal(table.timeoutMs, 5_000);
  assert.equal(table.get('b'), undefined);
});

test('rejects a non-positive timeout or entries limit (bugs: config allows neither)', () => {
  const clock = createManualClock();
  assert.throws(() => createAffinityTable(clock, 0), RangeError);
  assert.throws(() => createAffinityTable(clock, timeout, 0), RangeError);
  const table = createAffinityTable(clock, timeout);
  assert.throws(() => { table.timeoutMs = Number.NaN; }, RangeError);
  assert.equal(table.timeoutMs, timeout);
});

test('registry keeps a table across a reload while it is still referenced', () => {
  const clock = createManualClock();
  const registry = createAffinityRegistry(clock);
  const first = registry.acquire('api@file', timeout);
  first.set('10.0.0.1', 'http://a');
  // The new build acquires before the old one is disposed.
  const second = registry.acquire('api@file', 20_000);
  registry.release('api@file');
  assert.equal(second, first);
  assert.equal(second.timeoutMs, 20_000);
  clock.advance(15_000);
  assert.equal(second.get('10.0.0.1'), 'http://a');
});

test('registry forgets a table after its last release', () => {
  const clock = createManualClock();
  const registry = createAffinityRegistry(clock);
  const first = registry.acquire('api@file', timeout);
  first.set('10.0.0.1', 'http://a');
  registry.release('api@file');
  registry.release('api@file'); // over-release does nothing
  const again = registry.acquire('api@file', timeout);
  assert.notEqual(again, first);
  assert.equal(again.get('10.0.0.1'), undefined);
  assert.equal(again.size, 0);
});

test('registry tables are per service', () => {
  const clock = createManualClock();
  const registry = createAffinityRegistry(clock);
  const api = registry.acquire('api@file', timeout);
  const web = registry.acquire('web@file', timeout);
  api.set('10.0.0.1', 'http://a');
  assert.equal(web.get('10.0.0.1'), undefined);
  registry.release('web@file');
  assert.equal(registry.acquire('api@file', timeout).get('10.0.0.1'), 'http://a');
});
