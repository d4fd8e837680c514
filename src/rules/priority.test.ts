import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareRoutes, defaultHttpPriority, defaultTcpPriority } from './priority.ts';
import type { RouteOrder } from './priority.ts';

describe('default HTTP priority is the rule length in bytes', () => {
  const cases: [string, number][] = [
    ['Host(`example.com`)', 19],
    ['HostRegexp(`[a-z]+\\.traefik\\.com`)', 34],
    ['Host(`foobar.traefik.com`)', 26],
    ['Host(`a`)  &&  Path(`/`)', 24],
    ['Path(`/café`)', 14],
    ['Path(`/😀`)', 13],
  ];
  for (const [rule, priority] of cases) {
    test(`${rule} → ${priority}`, () => assert.equal(defaultHttpPriority(rule), priority));
  }

  test('so the longer regexp rule beats the shorter host rule (the documented example)', () => {
    assert.ok(defaultHttpPriority('HostRegexp(`[a-z]+\\.traefik\\.com`)') > defaultHttpPriority('Host(`foobar.traefik.com`)'));
  });
});

describe('default TCP priority', () => {
  const cases: [string, number][] = [
    ['HostSNI(`*`)', -1],
    [' HostSNI( `*` ) ', -1],
    ['HostSNI(`*`)\n', -1],
    ['HostSNI(`example.com`)', 22],
    ['HostSNI(`*`) || ALPN(`h2`)', 26],
    ['HostSNI("*")', 12],
  ];
  for (const [rule, priority] of cases) {
    test(`${JSON.stringify(rule)} → ${priority}`, () => assert.equal(defaultTcpPriority(rule), priority));
  }
});

describe('compareRoutes', () => {
  const route = (name: string, priority: number | bigint, precedence = 0): RouteOrder => ({ name, priority, precedence });
  const order = (routes: RouteOrder[]): string[] => [...routes].sort(compareRoutes).map((r) => r.name);

  test('orders by priority, highest first', () => {
    assert.deepEqual(order([route('low', 1), route('high', 100), route('mid', 50), route('neg', -1)]), ['high', 'mid', 'low', 'neg']);
  });

  test('breaks priority ties by provider precedence, lower rank first', () => {
    assert.deepEqual(order([route('b@file', 10, 6), route('a@kubernetescrd', 10, 1), route('c@kubernetes', 10, 2)]), [
      'a@kubernetescrd', 'c@kubernetes', 'b@file',
    ]);
  });

  test('a higher priority always beats precedence', () => {
    assert.deepEqual(order([route('crd', 10, 0), route('file', 11, 9)]), ['file', 'crd']);
  });

  test('breaks remaining ties by qualified name, in code-unit order', () => {
    assert.deepEqual(order([route('b@file', 5), route('B@file', 5), route('a@file', 5), route('ä@file', 5)]), [
      'B@file', 'a@file', 'b@file', 'ä@file',
    ]);
  });

  test('is deterministic whatever the input order', () => {
    const routes = [route('x', 1, 1), route('y', 1, 0), route('z', 2, 5), route('w', 1, 0)];
    const expected = order(routes);
    assert.deepEqual(order([...routes].reverse()), expected);
    assert.deepEqual(expected, ['z', 'w', 'y', 'x']);
  });

  test('tells apart priorities near MaxInt64 given as bigint', () => {
    const maxInt = 9223372036854775807n;
    assert.deepEqual(order([route('dashboard', maxInt - 2n), route('ping', maxInt), route('api', maxInt - 1n), route('user', 1000)]), [
      'ping', 'api', 'dashboard', 'user',
    ]);
  });
});
