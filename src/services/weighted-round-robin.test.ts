import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWeightedRoundRobin } from './weighted-round-robin.ts';

function sequence(weights: Record<string, number>, count: number, available?: (v: string) => boolean): string {
  const wrr = createWeightedRoundRobin(Object.entries(weights).map(([value, weight]) => ({ value, weight })));
  let out = '';
  for (let i = 0; i < count; i++) out += wrr.pick(available) ?? '-';
  return out;
}

test('reproduces Traefik EDF sequences exactly', () => {
  assert.equal(sequence({ A: 3, B: 1 }, 8), 'AABAAAAB');
  assert.equal(sequence({ A: 11, B: 3 }, 14), 'AAABAAAABAAABA');
  assert.equal(sequence({ A: 5, B: 1, C: 1 }, 14), 'AAAACABAAAAABC');
  assert.equal(sequence({ A: 1, B: 1 }, 4), 'ABAB');
});

test('weight 0 takes no new traffic', () => {
  assert.equal(sequence({ A: 1, B: 0, C: 1 }, 4), 'ACAC');
});

test('skips unavailable entries without giving them credit', () => {
  const s = sequence({ A: 1, B: 1, C: 1 }, 600, (v) => v !== 'B');
  assert.equal(s.replaceAll('C', '').length, 300);
  assert.equal(s.replaceAll('A', '').length, 300);
});

test('finds a light available entry behind a heavy unavailable one', () => {
  assert.equal(sequence({ A: 1000, B: 1 }, 2, (v) => v === 'B'), 'BB');
});

test('returns undefined when nothing is available or there are no entries', () => {
  assert.equal(sequence({ A: 1, B: 1 }, 2, () => false), '--');
  assert.equal(sequence({}, 1), '-');
});
