import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGcdRoundRobin } from './gcd-round-robin.ts';

function sequence(weights: Record<string, number>, picks: number, available?: (name: string) => boolean): string {
  const wrr = createGcdRoundRobin(Object.entries(weights).map(([value, weight]) => ({ value, weight })));
  const out: string[] = [];
  for (let i = 0; i < picks; i++) out.push(wrr.next(available) ?? '-');
  return out.join(' ');
}

test('weights 3:1 interleave as Traefik\'s TCP round robin: a a a b', () => {
  assert.equal(sequence({ a: 3, b: 1 }, 8), 'a a a b a a a b');
});

test('equal weights rotate in configuration order', () => {
  assert.equal(sequence({ a: 1, b: 1, c: 1 }, 6), 'a b c a b c');
});

test('weights with a common divisor step by it: 4:2 behaves as 2:1', () => {
  assert.equal(sequence({ a: 4, b: 2 }, 6), 'a a b a a b');
});

test('weights 5:1:1 follow the GCD interleaving', () => {
  assert.equal(sequence({ a: 5, b: 1, c: 1 }, 14), 'a a a a a b c a a a a a b c');
});

test('a weight of 0 is never picked; all zero picks nothing', () => {
  assert.equal(sequence({ a: 0, b: 1 }, 3), 'b b b');
  assert.equal(sequence({ a: 0, b: 0 }, 2), '- -');
  assert.equal(sequence({}, 1), '-');
});

test('unavailable entries are skipped; none available picks nothing', () => {
  assert.equal(sequence({ a: 3, b: 1 }, 4, (n) => n !== 'a'), 'b b b b');
  assert.equal(sequence({ a: 1, b: 1 }, 2, () => false), '- -');
});
