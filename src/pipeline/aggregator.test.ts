import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Provider, Snapshot } from '../config/snapshot.ts';
import type { DynamicConfig } from '../config/dynamic.ts';
import { createAggregator } from './aggregator.ts';
import { createManualClock } from '../lib/manual-clock.ts';

/** A provider the test drives by hand: `emit` is available once `run` started. */
function handProvider(name: string): Provider & { emit(snapshot: Snapshot): void } {
  let emitter: ((snapshot: Snapshot) => void) | undefined;
  return {
    name,
    emit: (snapshot) => emitter!(snapshot),
    run(emit, signal) {
      emitter = emit;
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    },
  };
}

function snapshot(provider: string, routers: Record<string, unknown>): Snapshot {
  return { provider, config: { http: { routers } } as unknown as DynamicConfig, rejected: [], diagnostics: [] };
}

function routerNames(snapshots: ReadonlyMap<string, Snapshot>, provider: string): string[] {
  const config = snapshots.get(provider)?.config as unknown as { http: { routers: Record<string, unknown> } };
  return Object.keys(config.http.routers);
}

function setup(throttleMs = 2000) {
  const clock = createManualClock();
  const file = handProvider('file');
  const kube = handProvider('kubernetes');
  const seen: ReadonlyMap<string, Snapshot>[] = [];
  const aggregator = createAggregator({ providers: [file, kube], throttleMs, clock, onConfig: (s) => seen.push(s) });
  const stop = new AbortController();
  const done = aggregator.run(stop.signal);
  return { clock, file, kube, seen, aggregator, stop, done };
}

test('applies the first snapshot of a provider at once', async () => {
  const { file, seen, stop, done } = setup();
  file.emit(snapshot('file', { a: {} }));
  assert.equal(seen.length, 1);
  assert.deepEqual(routerNames(seen[0]!, 'file'), ['a']);
  stop.abort();
  await done;
});

test('applies later snapshots at most once per window, the latest wins', async () => {
  const { clock, file, seen, stop, done } = setup(2000);
  file.emit(snapshot('file', { a: {} }));
  clock.advance(500);
  file.emit(snapshot('file', { b: {} }));
  file.emit(snapshot('file', { c: {} }));
  assert.equal(seen.length, 1, 'nothing applied inside the window');
  clock.advance(1499);
  assert.equal(seen.length, 1);
  clock.advance(1);
  assert.equal(seen.length, 2);
  assert.deepEqual(routerNames(seen[1]!, 'file'), ['c']);
  stop.abort();
  await done;
});

test('a snapshot after a quiet window is applied at once', async () => {
  const { clock, file, seen, stop, done } = setup(2000);
  file.emit(snapshot('file', { a: {} }));
  clock.advance(5000);
  file.emit(snapshot('file', { b: {} }));
  assert.equal(seen.length, 2);
  stop.abort();
  await done;
});

test('throttles each provider on its own', async () => {
  const { file, kube, seen, stop, done } = setup(2000);
  file.emit(snapshot('file', { a: {} }));
  kube.emit(snapshot('kubernetes', { k: {} }));
  assert.equal(seen.length, 2);
  assert.deepEqual([...seen[1]!.keys()].sort(), ['file', 'kubernetes']);
  assert.deepEqual(routerNames(seen[1]!, 'file'), ['a']);
  stop.abort();
  await done;
});

test('drops a snapshot identical to the previous one, whatever its key order', async () => {
  const { clock, file, seen, stop, done } = setup(2000);
  file.emit(snapshot('file', { a: { rule: 'Host(`a`)', service: 's' } }));
  clock.advance(5000);
  file.emit(snapshot('file', { a: { service: 's', rule: 'Host(`a`)' } }));
  clock.advance(5000);
  assert.equal(seen.length, 1);
  stop.abort();
  await done;
});

test('does not re-apply the applied snapshot when changes cancel out inside a window', async () => {
  const { clock, file, seen, stop, done } = setup(2000);
  file.emit(snapshot('file', { a: {} }));
  file.emit(snapshot('file', { b: {} }));
  file.emit(snapshot('file', { a: {} }));
  clock.advance(2000);
  assert.equal(seen.length, 1);
  stop.abort();
  await done;
});

test('dispose cancels a pending window and stops the providers', async () => {
  const { clock, file, seen, aggregator, done } = setup(2000);
  file.emit(snapshot('file', { a: {} }));
  file.emit(snapshot('file', { b: {} }));
  aggregator.dispose();
  await done;
  assert.equal(clock.pending(), 0);
  clock.advance(5000);
  assert.equal(seen.length, 1);
});

test('reports a failing provider and keeps the others running', async () => {
  const clock = createManualClock();
  const file = handProvider('file');
  const broken: Provider = { name: 'broken', run: () => Promise.reject(new Error('boom')) };
  const errors: string[] = [];
  const seen: unknown[] = [];
  const aggregator = createAggregator({
    providers: [broken, file], throttleMs: 0, clock, onConfig: (s) => seen.push(s),
    onProviderError: (name, error) => errors.push(`${name}: ${(error as Error).message}`),
  });
  const stop = new AbortController();
  const done = aggregator.run(stop.signal);
  await Promise.resolve();
  file.emit(snapshot('file', { a: {} }));
  assert.equal(seen.length, 1);
  stop.abort();
  await done;
  assert.deepEqual(errors, ['broken: boom']);
});

test('without an error handler a failing provider stops the others and run rejects', async () => {
  const clock = createManualClock();
  const file = handProvider('file');
  const broken: Provider = { name: 'broken', run: () => Promise.reject(new Error('boom')) };
  const aggregator = createAggregator({ providers: [file, broken], throttleMs: 0, clock, onConfig: () => {} });
  await assert.rejects(aggregator.run(new AbortController().signal), /boom/);
});
