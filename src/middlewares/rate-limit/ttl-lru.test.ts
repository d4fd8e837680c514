import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TtlLru } from './ttl-lru.ts';

describe('TTL LRU', () => {
  it('returns the same value while it is used within the TTL', () => {
    const lru = new TtlLru<object>(10, 1000);
    const first = lru.use('a', 0, () => ({}));
    assert.equal(lru.use('a', 900, () => ({})), first);
    assert.equal(lru.use('a', 1800, () => ({})), first, 'each use pushes the expiry back');
  });

  it('forgets a value unused for the TTL', () => {
    const lru = new TtlLru<object>(10, 1000);
    const first = lru.use('a', 0, () => ({}));
    assert.notEqual(lru.use('a', 1000, () => ({})), first);
  });

  it('evicts the least recently used entry when full', () => {
    const lru = new TtlLru<string>(2, 10_000);
    lru.use('a', 0, () => 'a1');
    lru.use('b', 1, () => 'b1');
    lru.use('a', 2, () => 'a2');
    lru.use('c', 3, () => 'c1');
    assert.equal(lru.size, 2);
    assert.equal(lru.use('a', 4, () => 'a3'), 'a1', 'a was used recently and stays');
    assert.equal(lru.use('b', 5, () => 'b2'), 'b2', 'b was the least recently used and went');
  });

  it('drops expired entries as other keys are used', () => {
    const lru = new TtlLru<number>(100, 1000);
    for (let i = 0; i < 3; i++) lru.use(`k${i}`, 0, () => i);
    lru.use('late', 5000, () => 9);
    assert.equal(lru.size, 1);
  });
});
