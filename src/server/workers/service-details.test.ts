import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkerStatistics } from './process-role.ts';
import { addWorkerDetails } from './service-details.ts';

const mirror = (over: Record<string, unknown>) => ({
  name: 'shadow@file', percent: 50, sent: 0, completed: 0, aborted: 0, failed: 0, skipped: 0, compared: 0,
  statusMismatches: 0, bodyMismatches: 0, meanLatencyDeltaMs: 0, recent: [], ...over,
});
const mismatch = (time: string) => ({ time, method: 'GET', path: '/', primaryStatus: 200, mirrorStatus: 500, primaryDigest: 'a', mirrorDigest: 'b' });
const worker = (details: Record<string, unknown>): WorkerStatistics => ({
  liveStats: { entryPoints: new Map(), routers: new Map(), services: new Map() },
  details: new Map([['svc@file', details]]),
  metrics: null,
});

test('workers\' affinity entries and mirror counters add to the control plane\'s details', () => {
  const own = { strategy: 'wrr', affinityEntries: 0, mirrors: [mirror({})] };
  const merged = addWorkerDetails(own, 'svc@file', [
    worker({ affinityEntries: 3, mirrors: [mirror({ sent: 4, completed: 4, compared: 2, bodyMismatches: 1, meanLatencyDeltaMs: 10, recent: [mismatch('2030-01-01T00:00:02Z')] })] }),
    worker({ affinityEntries: 2, mirrors: [mirror({ sent: 1, completed: 1, compared: 1, meanLatencyDeltaMs: 40, recent: [mismatch('2030-01-01T00:00:01Z')] })] }),
  ]);
  assert.equal(merged.strategy, 'wrr');
  assert.equal(merged.affinityEntries, 5);
  const [m] = merged.mirrors as Record<string, unknown>[];
  assert.deepEqual([m!.sent, m!.completed, m!.compared, m!.bodyMismatches, m!.meanLatencyDeltaMs], [5, 5, 3, 1, 20]);
  assert.deepEqual((m!.recent as { time: string }[]).map((r) => r.time), ['2030-01-01T00:00:01Z', '2030-01-01T00:00:02Z']);
});

test('without workers\' parts, the control plane\'s details are returned as they are', () => {
  const own = { strategy: 'wrr' };
  assert.equal(addWorkerDetails(own, 'svc@file', []), own);
});
