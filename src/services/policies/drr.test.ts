import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock, type ManualClock } from '../../lib/manual-clock.ts';
import { createDrrPolicy } from './drr.ts';
import type { PickRequest, PolicyServer, SelectionPolicy } from './policy.ts';

const request: PickRequest = { clientIp: '10.0.0.1', hashKey: undefined };

interface Run {
  /** `time weights` at every change of weights. */
  readonly changes: string[];
  readonly counts: Record<string, number>;
}

/** One request every 100 ms for `ms`, each answered at once with `statusOf(server)`. */
function traffic(policy: SelectionPolicy<PolicyServer>, clock: ManualClock, ms: number, statusOf: (s: PolicyServer) => number): Run {
  const changes: string[] = [];
  const counts: Record<string, number> = {};
  let last = [...policy.weights().values()].join(',');
  for (let t = 0; t < ms; t += 100) {
    const s = policy.pick(request, () => true)!;
    counts[s.key] = (counts[s.key] ?? 0) + 1;
    policy.onStart(s);
    policy.onEnd(s, statusOf(s), false);
    const now = [...policy.weights().values()].join(',');
    if (now !== last) changes.push(`${clock.now()} ${now}`);
    last = now;
    clock.advance(100);
  }
  return { changes, counts };
}

function three(weight = 1): PolicyServer[] {
  return ['A', 'B', 'C'].map((key) => ({ key, weight }));
}

test('a failing server loses its share once the windows are ready, and weights converge back after it recovers', () => {
  const clock = createManualClock(0);
  const policy = createDrrPolicy(three(), clock);

  const failing = traffic(policy, clock, 60_000, (s) => (s.key === 'C' ? 500 : 200));
  assert.deepEqual(failing.changes, [
    // Each server sees traffic every second; C is the last to reach a 10th bucket, at 9.2 s.
    '9200 4,4,1',
    // Then one step per back-off: the first request strictly after 10 s.
    '19300 16,16,1',
    '29400 64,64,1',
    '39500 256,256,1',
    '49600 1024,1024,1',
    '59700 4096,4096,1',
  ]);
  // C had its third of the traffic until 9.2 s (31 requests) and almost nothing after.
  assert.equal(failing.counts.C, 45);
  assert.ok(failing.counts.A! > 270 && failing.counts.B! > 270);

  const recovered = traffic(policy, clock, 150_000, () => 200);
  assert.deepEqual(recovered.changes, [
    // C's errors leave its window (oxy's clean-up reaches its last old bucket only at 70 s),
    // nobody stands out any more, and each back-off divides the grown weights by 4.
    '70000 1024,1024,1',
    '80100 256,256,1',
    '90200 64,64,1',
    '100300 16,16,1',
    '110400 4,4,1',
    '120500 1,1,1',
  ]);
  assert.deepEqual([...policy.weights()], [['A', 1], ['B', 1], ['C', 1]]);
});

test('errors are statuses 500 to 504 and requests that got no response', () => {
  const cases: { status: number; failed: boolean; grows: boolean }[] = [
    { status: 500, failed: false, grows: true },
    { status: 502, failed: false, grows: true },
    { status: 504, failed: false, grows: true },
    { status: 0, failed: true, grows: true },
    { status: 505, failed: false, grows: false },
    { status: 499, failed: false, grows: false },
    { status: 404, failed: false, grows: false },
    { status: 0, failed: false, grows: false },
  ];
  for (const c of cases) {
    const clock = createManualClock(0);
    const servers: PolicyServer[] = [{ key: 'A', weight: 1 }, { key: 'B', weight: 1 }];
    const policy = createDrrPolicy(servers, clock);
    for (let second = 0; second < 10; second++) {
      // Two servers: the sentinel 0 makes [0, ratio of B] splittable.
      policy.onEnd(servers[0]!, 200, false);
      policy.onEnd(servers[1]!, c.status, c.failed);
      clock.advance(1000);
    }
    const expected = c.grows ? [['A', 4], ['B', 1]] : [['A', 1], ['B', 1]];
    assert.deepEqual([...policy.weights()], expected, `status ${c.status} failed ${c.failed}`);
  }
});

test('weights are divided by their GCD after growing', () => {
  const clock = createManualClock(0);
  const policy = createDrrPolicy(three(2), clock);
  const run = traffic(policy, clock, 9300, (s) => (s.key === 'C' ? 503 : 200));
  // 2, 2, 2 → 8, 8, 2 → ÷2.
  assert.deepEqual(run.changes, ['9200 4,4,1']);
});

test('a single server keeps its weight', () => {
  const clock = createManualClock(0);
  const policy = createDrrPolicy([{ key: 'A', weight: 3 }], clock);
  const run = traffic(policy, clock, 30_000, () => 500);
  assert.deepEqual(run.changes, []);
  assert.deepEqual(run.counts, { A: 300 });
});

test('equal error ratios are no reason to change weights', () => {
  const clock = createManualClock(0);
  const policy = createDrrPolicy(three(), clock);
  const run = traffic(policy, clock, 60_000, () => 500);
  assert.deepEqual(run.changes, []);
});

test('requests follow EDF over the current weights', () => {
  const clock = createManualClock(0);
  const policy = createDrrPolicy([{ key: 'A', weight: 3 }, { key: 'B', weight: 1 }], clock);
  let out = '';
  for (let i = 0; i < 8; i++) out += policy.pick(request, () => true)!.key;
  assert.equal(out, 'AABAAAAB');
  assert.equal(policy.pick(request, (s) => s.key === 'B')!.key, 'B');
  assert.equal(policy.pick(request, () => false), undefined);
});

test('with memory, a rebuild over the same servers keeps the learned weights; other servers start over', async () => {
  const { createDrrMemory } = await import('./drr.ts');
  const clock = createManualClock(0);
  const memory = createDrrMemory();
  const first = createDrrPolicy(three(), clock, memory);
  traffic(first, clock, 20_000, (s) => (s.key === 'C' ? 500 : 200));
  assert.deepEqual([...first.weights().values()], [16, 16, 1]);

  // A configuration reload builds a new policy: it carries on where the old one was.
  const rebuilt = createDrrPolicy(three(), clock, memory);
  assert.deepEqual([...rebuilt.weights().values()], [16, 16, 1]);
  const next = traffic(rebuilt, clock, 10_000, (s) => (s.key === 'C' ? 500 : 200));
  assert.deepEqual(next.changes.map((c) => c.split(' ')[1]), ['64,64,1']);

  // A server added (or a weight changed): oxy resets to the configured weights, so does this.
  const changed = createDrrPolicy([...three(), { key: 'D', weight: 1 }], clock, memory);
  assert.deepEqual([...changed.weights().values()], [1, 1, 1, 1]);
});
