import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from './canonical-json.ts';

test('ignores key order and undefined members', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, 2], c: undefined } }), canonicalJson({ a: { d: [1, 2] }, b: 1 }));
});

test('keeps list order', () => {
  assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
});

test('tells values JSON would confuse apart', () => {
  assert.notEqual(canonicalJson({ a: null }), canonicalJson({ a: Number.NaN }));
  assert.notEqual(canonicalJson('1'), canonicalJson(1));
});

test('writes maps and sets by content', () => {
  assert.equal(canonicalJson(new Map([['b', 1], ['a', 2]])), canonicalJson(new Map([['a', 2], ['b', 1]])));
  assert.equal(canonicalJson(new Set([2, 1])), canonicalJson(new Set([1, 2])));
});

test('refuses a cyclic value', () => {
  const value: Record<string, unknown> = {};
  value['self'] = value;
  assert.throws(() => canonicalJson(value), /cyclic/);
});
