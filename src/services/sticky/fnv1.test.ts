import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fnv1_64Hex } from './fnv1.ts';

test('matches the published FNV-1 64-bit vectors', () => {
  const vectors: readonly (readonly [string, string])[] = [
    ['', 'cbf29ce484222325'],
    ['a', 'af63bd4c8601b7be'],
    ['foobar', '340d8765a4dda9c2'],
  ];
  for (const [input, hex] of vectors) assert.equal(fnv1_64Hex(input), hex, input);
});

test('is FNV-1, not FNV-1a', () => {
  // FNV-1a 64 of "a" is af63dc4c8601ec8c.
  assert.notEqual(fnv1_64Hex('a'), 'af63dc4c8601ec8c');
});

test('hashes UTF-8 bytes and does not pad the hex', () => {
  assert.equal(fnv1_64Hex('é'), '831c507b4ea243d');
  assert.equal(fnv1_64Hex('http://10.0.0.33:33'), 'a53adaa8e86efc8');
});
