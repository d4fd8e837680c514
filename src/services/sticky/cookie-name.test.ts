import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCookieName, sanitizeCookieName, stickyCookieName } from './cookie-name.ts';

test('default name is a short SHA-1 of the qualified service name', () => {
  const vectors: readonly (readonly [string, string])[] = [
    ['backend', '_76eb3'],
    ['whoami@docker', '_633ff'],
    ['backend@file', '_344d3'],
  ];
  for (const [service, name] of vectors) assert.equal(defaultCookieName(service), name, service);
});

test('sanitises characters outside the RFC 2616 token set', () => {
  const vectors: readonly (readonly [string, string])[] = [
    ['/my/BACKEND-v1.0~rc1', '_my_BACKEND-v1.0~rc1'],
    ["a!#$%&'*+-.^`|~z09", "a!#$%&'*+-.^`|~z09"],
    ['a b;c=d,e"f(g)h', 'a_b_c_d_e_f_g_h'],
    ['_under_score', '_under_score'],
    ['café', 'caf_'],
    ['x😀y', 'x_y'],
  ];
  for (const [input, output] of vectors) assert.equal(sanitizeCookieName(input), output, input);
});

test('uses the configured name, or the default when absent or empty', () => {
  assert.equal(stickyCookieName('lvl1', 'whoami@docker'), 'lvl1');
  assert.equal(stickyCookieName('my cookie', 'whoami@docker'), 'my_cookie');
  assert.equal(stickyCookieName(undefined, 'whoami@docker'), '_633ff');
  assert.equal(stickyCookieName('', 'backend'), '_76eb3');
});
