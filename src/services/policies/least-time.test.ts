import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLeastTimePolicy } from './least-time.ts';
import type { PickRequest, PolicyServer } from './policy.ts';

const request: PickRequest = { clientIp: '10.0.0.1', hashKey: undefined };
const all = (): boolean => true;

function setup(weights: Record<string, number>): { policy: ReturnType<typeof createLeastTimePolicy<PolicyServer>>; s: Record<string, PolicyServer> } {
  const s: Record<string, PolicyServer> = {};
  for (const [key, weight] of Object.entries(weights)) s[key] = { key, weight };
  return { policy: createLeastTimePolicy(Object.values(s)), s };
}

function picks(policy: ReturnType<typeof createLeastTimePolicy<PolicyServer>>, count: number, available: (s: PolicyServer) => boolean = all): string {
  let out = '';
  for (let i = 0; i < count; i++) out += policy.pick(request, available)?.key ?? '-';
  return out;
}

test('with equal scores, ties follow Traefik\'s staggered earliest-deadline scan', () => {
  // Initial deadlines are cumulative (A=1, B=2, C=3); equal deadlines go to the first in order.
  assert.equal(picks(setup({ A: 1, B: 1, C: 1 }).policy, 9), 'AABABCABC');
  // A=1/3, B=1/3+1. A's fourth pick ties B at 4/3 and wins by order; at the twelfth, A's sum of
  // thirds (3.3333333333333335) is a hair above B's 1/3 + 1 + 1 + 1: IEEE-754 decides, as in Go.
  assert.equal(picks(setup({ A: 3, B: 1 }).policy, 12), 'AAAABAAABAAB');
});

test('the lowest average time to first byte × (1 + in flight) / weight wins', () => {
  const { policy, s } = setup({ A: 1, B: 1 });
  policy.onHeaders(s.A!, 10);
  policy.onHeaders(s.B!, 20);
  assert.equal(picks(policy, 3), 'AAA'); // 10 < 20
  policy.onStart(s.A!);
  policy.onStart(s.A!);
  assert.equal(picks(policy, 1), 'B'); // 10 × 3 > 20 × 1
  policy.onEnd(s.A!, 200, false);
  assert.equal(picks(policy, 1), 'A'); // 10 × 2 = 20 × 1: tie, A's deadline (1) is earlier than B's (2)
  assert.equal(picks(policy, 1), 'A'); // A's deadline 2 = B's 2: the first in order
  assert.equal(picks(policy, 1), 'B'); // A's deadline 3 > B's 2
});

test('weight divides the score', () => {
  const { policy, s } = setup({ A: 3, B: 1 });
  policy.onHeaders(s.A!, 30);
  policy.onHeaders(s.B!, 20);
  assert.equal(picks(policy, 2), 'AA'); // 30/3 = 10 < 20
  policy.onStart(s.A!);
  policy.onStart(s.A!);
  assert.equal(picks(policy, 1), 'B'); // 30 × 3 / 3 = 30 > 20
});

test('averages the last 100 samples in whole milliseconds', () => {
  const { policy, s } = setup({ A: 1, B: 1 });
  policy.onHeaders(s.B!, 12);
  policy.onHeaders(s.B!, 13.9); // 13: Traefik truncates to milliseconds; B averages 12.5
  for (let i = 0; i < 100; i++) policy.onHeaders(s.A!, 50);
  for (let i = 0; i < 93; i++) policy.onHeaders(s.A!, 10);
  assert.equal(picks(policy, 1), 'B'); // A: (7 × 50 + 93 × 10) / 100 = 12.8
  policy.onHeaders(s.A!, 10);
  assert.equal(picks(policy, 1), 'A'); // A: 12.4, the oldest 50 left the window
});

test('sub-millisecond differences do not count', () => {
  const { policy, s } = setup({ A: 1, B: 1 });
  policy.onHeaders(s.A!, 1.9);
  policy.onHeaders(s.B!, 1.2);
  // Both average 1 ms: a tie, and A's initial deadline is the earlier.
  assert.equal(picks(policy, 1), 'A');
});

test('a single available server is returned without moving deadlines', () => {
  const { policy } = setup({ A: 1, B: 1, C: 1 });
  assert.equal(picks(policy, 3, (x) => x.key === 'C'), 'CCC');
  assert.equal(picks(policy, 9), 'AABABCABC');
});

test('skips unavailable servers; none available gives undefined', () => {
  const { policy } = setup({ A: 1, B: 1, C: 1 });
  assert.equal(picks(policy, 6, (x) => x.key !== 'A'), 'BBCBCB');
  assert.equal(picks(policy, 2, () => false), '--');
});
