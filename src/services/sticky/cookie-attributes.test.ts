import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stickyCookieSchema } from '../../config/http-services.ts';
import { cookieAttributes } from './cookie-attributes.ts';

const attributes = (written: Record<string, unknown>): string => cookieAttributes(stickyCookieSchema.parse(written));

test('defaults to a session cookie on path /', () => {
  assert.equal(attributes({}), '; Path=/');
});

test('writes every attribute in the order Go http.Cookie.String() does', () => {
  assert.equal(
    attributes({ path: '/foo', domain: 'foo.com', maxAge: 42, httpOnly: true, secure: true, sameSite: 'none' }),
    '; Path=/foo; Domain=foo.com; Max-Age=42; HttpOnly; Secure; SameSite=None',
  );
});

test('each attribute alone', () => {
  const cases: readonly (readonly [Record<string, unknown>, string])[] = [
    [{ path: '/x' }, '; Path=/x'],
    [{ path: '' }, ''],
    [{ domain: 'example.com' }, '; Path=/; Domain=example.com'],
    [{ maxAge: 1 }, '; Path=/; Max-Age=1'],
    [{ httpOnly: true }, '; Path=/; HttpOnly'],
    [{ secure: true }, '; Path=/; Secure'],
    [{ sameSite: 'lax' }, '; Path=/; SameSite=Lax'],
    [{ sameSite: 'Strict' }, '; Path=/; SameSite=Strict'],
    [{ sameSite: 'NONE' }, '; Path=/; SameSite=None'],
    [{ sameSite: '' }, '; Path=/'],
  ];
  for (const [written, expected] of cases) assert.equal(attributes(written), expected, JSON.stringify(written));
});

test('Max-Age: positive is the lifetime, negative deletes, zero is omitted', () => {
  assert.equal(attributes({ maxAge: 3600 }), '; Path=/; Max-Age=3600');
  assert.equal(attributes({ maxAge: -1 }), '; Path=/; Max-Age=0');
  assert.equal(attributes({ maxAge: -3600 }), '; Path=/; Max-Age=0');
  assert.equal(attributes({ maxAge: 0 }), '; Path=/');
});

test('Domain: a leading dot is stripped, an IPv4 address is kept, an invalid domain is dropped', () => {
  const cases: readonly (readonly [string, string])[] = [
    ['.foo.com', '; Path=/; Domain=foo.com'],
    ['10.0.0.1', '; Path=/; Domain=10.0.0.1'],
    ['sub-1.Example.org', '; Path=/; Domain=sub-1.Example.org'],
    ['::1', '; Path=/'],
    ['foo_bar.com', '; Path=/'],
    ['-foo.com', '; Path=/'],
    ['foo-.com', '; Path=/'],
    ['foo..com', '; Path=/'],
    ['123.456', '; Path=/'],
    ['foo.com:8080', '; Path=/'],
    [`${'a'.repeat(64)}.com`, '; Path=/'],
  ];
  for (const [domain, expected] of cases) assert.equal(attributes({ domain }), expected, domain);
});

test('Path: characters a path may not hold are dropped', () => {
  assert.equal(attributes({ path: '/a;b\u0001c/é' }), '; Path=/abc/');
});
