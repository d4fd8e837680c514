import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainKey, matchesName, normalizeDomain } from './domains.ts';

test('domain sets are lower-cased, lose trailing dots and duplicates', () => {
  assert.deepEqual(normalizeDomain({ main: 'Example.COM.', sans: ['www.example.com', 'example.com', 'WWW.example.com'] }),
    { main: 'example.com', sans: ['www.example.com'] });
  assert.deepEqual(normalizeDomain({ main: '', sans: ['a.example.com'] }), { main: 'a.example.com', sans: [] });
  assert.equal(normalizeDomain({ main: ' ' }), undefined);
  assert.deepEqual(normalizeDomain({ main: '[0:0:0:0:0:0:0:1]', sans: ['192.0.2.1'] }), { main: '::1', sans: ['192.0.2.1'] });
  assert.equal(domainKey({ main: 'a.example.com', sans: ['b.example.com'] }), 'a.example.com,b.example.com');
});

test('a wildcard covers exactly one label', () => {
  const cases: [string, string, boolean][] = [
    ['a.example.com', 'a.example.com', true],
    ['a.example.com', '*.example.com', true],
    ['example.com', '*.example.com', false],
    ['a.b.example.com', '*.example.com', false],
    ['a.example.com', 'b.example.com', false],
  ];
  for (const [name, certName, expected] of cases) assert.equal(matchesName(name, certName), expected, `${name} by ${certName}`);
});
