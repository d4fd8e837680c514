import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cookiePair, setCookieValue } from './sticky-check.ts';

test('reads the sticky value from each proxy\'s Set-Cookie form', () => {
  const cases: [string, string[], string | undefined][] = [
    ['HAProxy', ['srv=a; path=/'], 'a'],
    ['Caddy', ['srv=5e9b2c0d8f7a4c1e9d3b6a2f0c8e4d1b7a9c3e5f2d8b6a4c0e1f3d5b7a9c2e4f; Path=/'], '5e9b2c0d8f7a4c1e9d3b6a2f0c8e4d1b7a9c3e5f2d8b6a4c0e1f3d5b7a9c2e4f'],
    ['Switchyard', ['srv=d30a576c03187167; Path=/'], 'd30a576c03187167'],
    ['another cookie first', ['session=x; Path=/', 'srv=b'], 'b'],
    ['a name that only starts the same', ['srvx=1; Path=/'], undefined],
    ['no Set-Cookie', [], undefined],
  ];
  for (const [what, headers, value] of cases) assert.equal(setCookieValue(headers, 'srv'), value, what);
});

test('sends the value back under the sticky cookie\'s name', () => {
  assert.equal(cookiePair('d30a576c03187167'), 'srv=d30a576c03187167');
});
