import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../lib/manual-clock.ts';
import { latencyBucket } from './latency-histogram.ts';
import { createLiveStats, type LiveStats } from './live-stats.ts';
import { StatsCell } from './stats-cell.ts';

const WALL = Date.parse('2030-05-01T12:00:00.000Z');

/** A registry with one router and one loadBalancer server, on a clock with its own origin. */
function registry(origin: number): { stats: LiveStats; advance: (ms: number) => void } {
  const clock = createManualClock(origin);
  const stats = createLiveStats({ clock, wallClock: () => WALL });
  stats.entryPoint('web');
  stats.router('app@file');
  stats.server('app@file', 'http://10.0.0.1');
  return { stats, advance: (ms) => clock.advance(ms) };
}

test('a cell\'s exported state added to an empty cell reads the same, window included', () => {
  const cell = new StatsCell();
  cell.finished(200, latencyBucket(5), 10_400);
  cell.finished(503, latencyBucket(50), 12_100);
  cell.bytesOut = 300;
  cell.begin();
  const copy = new StatsCell();
  // The copy's clock is 7 s ahead: slots travel as ages, so the window lines up.
  copy.addState(cell.exportState(12_500), 19_500);
  const toIso = (ms: number): string => new Date(ms).toISOString();
  const scratch = { classes: new Uint32Array(6), latency: new Uint32Array(83) };
  const original = cell.snapshot(12_500, toIso, false, scratch);
  const added = copy.snapshot(19_500, toIso, false, scratch);
  assert.deepEqual({ ...added, lastRequestAt: undefined }, { ...original, lastRequestAt: undefined });
  assert.equal(added.lastRequestAt, toIso(19_100));
});

test('snapshotWith adds other processes\' items to this one\'s, counters, window and children alike', () => {
  const control = registry(1_000);
  const a = registry(50_000);
  const b = registry(900_000);
  control.stats.child('canary@file', 'app@file');
  for (const worker of [a, b]) worker.stats.child('canary@file', 'app@file').requests += 2;
  const server = (w: { stats: LiveStats }) => w.stats.server('app@file', 'http://10.0.0.1');
  a.stats.serverPicked(server(a));
  a.stats.serverResult(server(a), 200);
  b.stats.serverPicked(server(b));
  b.stats.serverResult(server(b), 502);
  b.stats.serverPicked(server(b)); // still in flight
  const merged = control.stats.snapshotWith([a.stats.exportState(), b.stats.exportState()]);
  const s = merged.services['app@file']!.servers!['http://10.0.0.1']!;
  assert.equal(s.requests, 2);
  assert.equal(s.inFlight, 1);
  assert.deepEqual(s.window, { '1xx': 0, '2xx': 1, '3xx': 0, '4xx': 0, '5xx': 1 });
  assert.deepEqual(merged.services['canary@file']!.children, { 'app@file': 4 });
  // Without others, the document is this registry's own.
  assert.equal(control.stats.snapshot().services['app@file']!.servers!['http://10.0.0.1']!.requests, 0);
});

test('snapshotWith ignores items this registry does not have (a worker on an older configuration)', () => {
  const control = registry(0);
  const worker = registry(0);
  worker.stats.router('gone@file').finished(200, 0, 0);
  const merged = control.stats.snapshotWith([worker.stats.exportState()]);
  assert.deepEqual(Object.keys(merged.routers), ['app@file']);
});

test('exportState leaves out items with nothing recorded, and window slots that aged out', () => {
  const w = registry(0);
  assert.deepEqual([...w.stats.exportState().routers.keys()], []);
  w.stats.router('app@file').finished(200, 3, 0);
  w.advance(60_000);
  const state = w.stats.exportState().routers.get('app@file')!;
  assert.equal(state.requests, 1);
  assert.deepEqual(state.slots, []);
});
