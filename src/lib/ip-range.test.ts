import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIpRangeSet } from './ip-range.ts';

test('matches IPv4, IPv6 and IPv4-mapped addresses against ranges', () => {
  const { set, invalid } = createIpRangeSet(['10.1.2.3/24', '127.0.0.1', '2001:db8::/32', 'nope']);
  assert.deepEqual(invalid, ['nope']);
  const cases: [string, boolean][] = [
    ['10.1.2.200', true], ['10.1.3.1', false], ['127.0.0.1', true], ['127.0.0.2', false],
    ['::ffff:127.0.0.1', true], ['2001:db8:1::5', true], ['2001:db9::1', false], ['garbage', false],
  ];
  for (const [ip, want] of cases) assert.equal(set.contains(ip), want, ip);
});

test('an empty set contains nothing', () => {
  assert.equal(createIpRangeSet([]).set.contains('127.0.0.1'), false);
});
