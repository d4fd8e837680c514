import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PickRequest, PolicyServer } from './policy.ts';
import { createWrrPolicy } from './wrr.ts';

const request: PickRequest = { clientIp: '10.0.0.1', hashKey: undefined };

function sequence(weights: Record<string, number>, count: number, available: (s: PolicyServer) => boolean = () => true): string {
  const policy = createWrrPolicy(Object.entries(weights).map(([key, weight]) => ({ key, weight })));
  let out = '';
  for (let i = 0; i < count; i++) out += policy.pick(request, available)?.key ?? '-';
  return out;
}

test('reproduces Traefik EDF sequences exactly', () => {
  const cases: [Record<string, number>, string][] = [
    [{ A: 3, B: 1 }, 'AABAAAAB'],
    [{ A: 11, B: 3 }, 'AAABAAAABAAABA'],
    [{ A: 5, B: 1, C: 1 }, 'AAAACABAAAAABC'],
    [{ A: 1, B: 1 }, 'ABAB'],
  ];
  for (const [weights, expected] of cases) assert.equal(sequence(weights, expected.length), expected);
});

test('skips unavailable servers and returns undefined when none is available', () => {
  // Exact heap order: B's turns are consumed while it is unavailable, A and C keep theirs.
  assert.equal(sequence({ A: 1, B: 1, C: 1 }, 6, (s) => s.key !== 'B'), 'ACCAAC');
  assert.equal(sequence({ A: 1, B: 1 }, 2, () => false), '--');
});

test('request outcomes do not change the sequence', () => {
  const servers = [{ key: 'A', weight: 3 }, { key: 'B', weight: 1 }];
  const policy = createWrrPolicy(servers);
  let out = '';
  for (let i = 0; i < 8; i++) {
    const s = policy.pick(request, () => true)!;
    policy.onStart(s);
    policy.onHeaders(s, 500);
    policy.onEnd(s, 503, true);
    out += s.key;
  }
  assert.equal(out, 'AABAAAAB');
  assert.deepEqual([...policy.weights()], [['A', 3], ['B', 1]]);
});
