import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBoundedHashPolicy } from './bounded-hash.ts';
import type { PolicyServer, SelectionPolicy } from './policy.ts';

const all = (): boolean => true;

function servers(weights: Record<string, number>): PolicyServer[] {
  return Object.entries(weights).map(([key, weight]) => ({ key, weight }));
}

function pickKey(policy: SelectionPolicy<PolicyServer>, hashKey: string | undefined, available: (s: PolicyServer) => boolean = all): string | undefined {
  return policy.pick({ clientIp: '10.0.0.1', hashKey }, available)?.key;
}

const keys = Array.from({ length: 10000 }, (_, i) => `user-${i}`);
const four = servers({ 'http://a:80': 1, 'http://b:80': 1, 'http://c:80': 1, 'http://d:80': 1 });

test('the same key goes to the same server while loads are low', () => {
  const policy = createBoundedHashPolicy(four, { loadFactor: 1.25 });
  for (const key of keys.slice(0, 1000)) {
    const first = policy.pick({ clientIp: '', hashKey: key }, all)!;
    for (let i = 0; i < 3; i++) {
      policy.onStart(first);
      policy.onEnd(first, 200, false);
      assert.equal(pickKey(policy, key), first.key, key);
    }
  }
});

test('keys spread over servers in proportion to weight', () => {
  const list = servers({ 'http://a:80': 1, 'http://b:80': 1, 'http://c:80': 2 });
  const policy = createBoundedHashPolicy(list, { loadFactor: 0 });
  const counts = new Map<string, number>();
  for (const key of keys) {
    const chosen = pickKey(policy, key)!;
    counts.set(chosen, (counts.get(chosen) ?? 0) + 1);
  }
  for (const s of list) {
    const share = counts.get(s.key)! / keys.length;
    assert.ok(Math.abs(share - s.weight / 4) < 0.05, `${s.key}: ${share}`);
  }
});

test('removing a server moves only the keys it had', () => {
  const before = createBoundedHashPolicy(four, { loadFactor: 1.25 });
  const after = createBoundedHashPolicy(four.filter((s) => s.key !== 'http://c:80'), { loadFactor: 1.25 });
  const onRemoved = keys.filter((k) => pickKey(before, k) === 'http://c:80');
  const movedWhenRebuilt = keys.filter((k) => pickKey(before, k) !== pickKey(after, k));
  const movedWhenUnavailable = keys.filter((k) => pickKey(before, k) !== pickKey(before, k, (s) => s.key !== 'http://c:80'));
  assert.ok(onRemoved.length > 2000 && onRemoved.length < 3000, `${onRemoved.length}`);
  assert.deepEqual(movedWhenRebuilt, onRemoved);
  assert.deepEqual(movedWhenUnavailable, onRemoved);
});

test('independently built policies agree on every key, whatever the server order', () => {
  const a = createBoundedHashPolicy(four, { loadFactor: 1.25 });
  const b = createBoundedHashPolicy(four.map((s) => ({ ...s })).reverse(), { loadFactor: 1.25 });
  for (const key of keys) assert.equal(pickKey(a, key), pickKey(b, key), key);
});

test('placements are a fixed function of keys and servers', () => {
  // Pinned: a change to the ring would make replicas of different versions disagree during a
  // rolling upgrade, so it must be deliberate.
  const policy = createBoundedHashPolicy(four, { loadFactor: 0 });
  const placements = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'].map((k) => `${k}→${pickKey(policy, k)}`);
  assert.deepEqual(placements, [
    'alice→http://d:80', 'bob→http://d:80', 'carol→http://d:80', 'dave→http://a:80',
    'erin→http://a:80', 'frank→http://d:80', 'grace→http://d:80', 'heidi→http://a:80',
  ]);
});

test('a hot key spills to the next server on the ring under its cap, and no server exceeds its cap', () => {
  const loadFactor = 1.25;
  const policy = createBoundedHashPolicy(four, { loadFactor });
  const fresh = createBoundedHashPolicy(four, { loadFactor });
  const home = pickKey(policy, 'hot')!;
  const inflight = new Map<string, number>(four.map((s) => [s.key, 0]));
  const hotPlacements: string[] = [];
  let expectedFirstSpill: string | undefined;
  // Half of the traffic is one key; nothing ends, so loads only grow.
  for (let i = 0; i < 400; i++) {
    const key = i % 2 === 0 ? 'hot' : `cold-${i}`;
    const total = [...inflight.values()].reduce((a, b) => a + b, 0);
    const cap = Math.ceil((loadFactor * (total + 1)) / four.length);
    const chosen = policy.pick({ clientIp: '', hashKey: key }, all)!;
    assert.ok(inflight.get(chosen.key)! < cap, `request ${i}: ${chosen.key} has ${inflight.get(chosen.key)} in flight, cap ${cap}`);
    if (key === 'hot' && chosen.key !== home && expectedFirstSpill === undefined) {
      // Clockwise from the key, skipping the full servers: what an idle ring gives without them.
      expectedFirstSpill = pickKey(fresh, 'hot', (s) => s.key !== home && inflight.get(s.key)! < cap);
      assert.equal(chosen.key, expectedFirstSpill);
    }
    policy.onStart(chosen);
    inflight.set(chosen.key, inflight.get(chosen.key)! + 1);
    if (key === 'hot') hotPlacements.push(chosen.key);
  }
  assert.equal(hotPlacements[0], home);
  assert.notEqual(expectedFirstSpill, undefined);
  assert.ok(new Set(hotPlacements).size >= 2);
  assert.ok(Math.max(...inflight.values()) <= Math.ceil((loadFactor * 400) / 4));
});

test('caps scale with weight: a single hot key fills its server exactly to its cap', () => {
  const loadFactor = 1.5;
  const list = servers({ 'http://a:80': 1, 'http://b:80': 1, 'http://c:80': 2 });
  const probe = createBoundedHashPolicy(list, { loadFactor });
  const keyFor = (server: string): string => keys.find((k) => pickKey(probe, k) === server)!;
  // After 300 requests the cap of a server is ceil(1.5 × 300 × weight / 4).
  for (const [server, expected] of [['http://a:80', 113], ['http://c:80', 225]] as const) {
    const policy = createBoundedHashPolicy(list, { loadFactor });
    const key = keyFor(server);
    const inflight = new Map<string, number>(list.map((s) => [s.key, 0]));
    for (let i = 0; i < 300; i++) {
      const total = [...inflight.values()].reduce((a, b) => a + b, 0);
      const chosen = policy.pick({ clientIp: '', hashKey: key }, all)!;
      const cap = Math.ceil((loadFactor * (total + 1) * chosen.weight) / 4);
      assert.ok(inflight.get(chosen.key)! < cap, `request ${i}: ${chosen.key}`);
      policy.onStart(chosen);
      inflight.set(chosen.key, inflight.get(chosen.key)! + 1);
    }
    assert.equal(inflight.get(server), expected, server);
  }
});

test('finished requests free capacity, so the hot key returns home', () => {
  const policy = createBoundedHashPolicy(four, { loadFactor: 1.25 });
  const home = policy.pick({ clientIp: '', hashKey: 'hot' }, all)!;
  policy.onStart(home);
  // One in flight over four servers: cap is ceil(1.25 × 2 / 4) = 1, home is full.
  assert.notEqual(pickKey(policy, 'hot'), home.key);
  policy.onEnd(home, 200, false);
  assert.equal(pickKey(policy, 'hot'), home.key);
});

test('loadFactor 0 is plain consistent hashing', () => {
  const policy = createBoundedHashPolicy(four, { loadFactor: 0 });
  const home = policy.pick({ clientIp: '', hashKey: 'hot' }, all)!;
  for (let i = 0; i < 50; i++) policy.onStart(home);
  assert.equal(pickKey(policy, 'hot'), home.key);
});

test('a loadFactor below 1 that caps everyone falls back to the key\'s own server', () => {
  const policy = createBoundedHashPolicy(four, { loadFactor: 0.1 });
  const home = policy.pick({ clientIp: '', hashKey: 'hot' }, all)!;
  for (const s of four) policy.onStart(s);
  assert.equal(pickKey(policy, 'hot'), home.key);
});

test('without a hash key requests follow EDF weighted round robin', () => {
  const list = servers({ A: 3, B: 1 });
  const policy = createBoundedHashPolicy(list, { loadFactor: 1.25 });
  let out = '';
  for (let i = 0; i < 8; i++) out += pickKey(policy, undefined);
  assert.equal(out, 'AABAAAAB');
});

test('returns undefined when no server is available', () => {
  const policy = createBoundedHashPolicy(four, { loadFactor: 1.25 });
  assert.equal(pickKey(policy, 'k', () => false), undefined);
  assert.equal(pickKey(policy, undefined, () => false), undefined);
  assert.equal(pickKey(createBoundedHashPolicy([], { loadFactor: 1.25 }), 'k'), undefined);
});
