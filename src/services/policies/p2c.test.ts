import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createP2cPolicy } from './p2c.ts';
import type { PickRequest, PolicyServer } from './policy.ts';

const request: PickRequest = { clientIp: '10.0.0.1', hashKey: undefined };
const all = (): boolean => true;

/** A random() that replays `values` in a loop and counts its draws. */
function scripted(values: readonly number[]): { random: () => number; draws: () => number } {
  let n = 0;
  return { random: () => values[n++ % values.length]!, draws: () => n };
}

function servers(...keys: string[]): PolicyServer[] {
  return keys.map((key) => ({ key, weight: 1 }));
}

test('draws two distinct servers; on equal in-flight counts the first drawn wins', () => {
  const cases: { draws: number[]; expected: string }[] = [
    { draws: [0, 0], expected: 'A' }, // A, then B (the second draw skips past the first)
    { draws: [0.9, 0], expected: 'C' }, // C, then A
    { draws: [0.5, 0.5], expected: 'B' }, // B, then C
    { draws: [0.5, 0.4], expected: 'B' }, // B, then A
  ];
  for (const { draws, expected } of cases) {
    const policy = createP2cPolicy(servers('A', 'B', 'C'), scripted(draws).random);
    assert.equal(policy.pick(request, all)?.key, expected, `draws ${draws.join(',')}`);
  }
});

test('the server with fewer requests in flight wins', () => {
  const list = servers('A', 'B', 'C');
  const policy = createP2cPolicy(list, scripted([0, 0]).random);
  policy.onStart(list[0]!);
  policy.onStart(list[0]!);
  policy.onStart(list[1]!);
  assert.equal(policy.pick(request, all)?.key, 'B');
  policy.onEnd(list[0]!, 200, false);
  assert.equal(policy.pick(request, all)?.key, 'A'); // 1 vs 1: the first drawn
  policy.onEnd(list[0]!, 200, false);
  assert.equal(policy.pick(request, all)?.key, 'A'); // 0 vs 1
});

test('weights are ignored', () => {
  const values = [0.1, 0.7, 0.55, 0.2, 0.95, 0.05, 0.4, 0.4];
  const run = (weights: number[]): string => {
    const list = weights.map((weight, i) => ({ key: 'ABC'[i]!, weight }));
    const policy = createP2cPolicy(list, scripted(values).random);
    let out = '';
    for (let i = 0; i < 12; i++) {
      const s = policy.pick(request, all)!;
      policy.onStart(s);
      out += s.key;
    }
    return out;
  };
  assert.equal(run([100, 1, 1]), run([1, 1, 1]));
});

test('a single available server is returned without drawing', () => {
  const r = scripted([0.3]);
  const policy = createP2cPolicy(servers('A', 'B', 'C'), r.random);
  assert.equal(policy.pick(request, (s) => s.key === 'B')?.key, 'B');
  assert.equal(r.draws(), 0);
});

test('only available servers are drawn; none available gives undefined', () => {
  const policy = createP2cPolicy(servers('A', 'B', 'C', 'D'), scripted([0, 0.99, 0.5, 0.5, 0.99, 0.99]).random);
  const notB = (s: PolicyServer): boolean => s.key !== 'B';
  const seen = new Set<string>();
  for (let i = 0; i < 30; i++) seen.add(policy.pick(request, notB)!.key);
  assert.deepEqual([...seen].sort(), ['A', 'C', 'D']);
  assert.equal(policy.pick(request, () => false), undefined);
});

test('events about unknown servers are ignored and in-flight never goes negative', () => {
  const list = servers('A', 'B');
  const policy = createP2cPolicy(list, scripted([0, 0]).random);
  policy.onStart({ key: 'X', weight: 1 });
  policy.onEnd(list[0]!, 0, true);
  policy.onEnd(list[0]!, 0, true);
  policy.onStart(list[0]!);
  assert.equal(policy.pick(request, all)?.key, 'B');
});
