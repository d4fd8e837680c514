import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stickyCookieSchema } from '../../config/http-services.ts';
import { createStickyCookie, primaryCookieValue, type StickyCookie } from './sticky-cookie.ts';

const urls = ['http://127.0.0.1:8080', 'http://127.0.0.1:8081'] as const;
const secret = '0123456789abcdef-secret';

function sticky(written: Record<string, unknown>, name = 'lvl2', keys: readonly string[] = urls): StickyCookie<string> {
  return createStickyCookie(stickyCookieSchema.parse(written), name, keys.map((key) => ({ key, target: `server:${key}` })));
}

/** The lookup of one `Cookie` line, as `target/rewrite`, or `-`. */
function lookup(cookie: StickyCookie<string>, ...cookieLines: string[]): string {
  const hit = cookie.lookup(cookieLines.flatMap((line) => ['Cookie', line]));
  return hit === undefined ? '-' : `${hit.target}/${hit.rewrite ? 'rewrite' : 'keep'}`;
}

test('the primary value is the first 16 hex digits of SHA-256 of the key', () => {
  assert.equal(primaryCookieValue('http://127.0.0.1:8080'), 'd30a576c03187167');
  assert.equal(primaryCookieValue('http://127.0.0.1:8081'), '08d5f409490f61fc');
  assert.equal(primaryCookieValue('first'), 'a7937b64b8caa58f');
});

test('Set-Cookie with the defaults', () => {
  assert.equal(sticky({}).setCookie('server:http://127.0.0.1:8080'), 'lvl2=d30a576c03187167; Path=/');
});

test('Set-Cookie with every attribute, in Traefik order', () => {
  const cookie = createStickyCookie(
    stickyCookieSchema.parse({ path: '/foo', domain: 'foo.com', maxAge: 42, httpOnly: true, secure: true, sameSite: 'none' }),
    'test',
    [{ key: 'first', target: 1 }, { key: 'second', target: 2 }],
  );
  assert.equal(cookie.name, 'test');
  assert.equal(cookie.setCookie(1), 'test=a7937b64b8caa58f; Path=/foo; Domain=foo.com; Max-Age=42; HttpOnly; Secure; SameSite=None');
  assert.equal(cookie.setCookie(2), 'test=16367aacb67a4a01; Path=/foo; Domain=foo.com; Max-Age=42; HttpOnly; Secure; SameSite=None');
});

test('Set-Cookie with a negative maxAge deletes, sameSite lax and strict', () => {
  assert.equal(sticky({ maxAge: -1, sameSite: 'lax' }).setCookie('server:http://127.0.0.1:8081'), 'lvl2=08d5f409490f61fc; Path=/; Max-Age=0; SameSite=Lax');
  assert.equal(sticky({ sameSite: 'strict' }).setCookie('server:http://127.0.0.1:8081'), 'lvl2=08d5f409490f61fc; Path=/; SameSite=Strict');
});

test('setCookie for a target it was not built with is a bug', () => {
  assert.throws(() => sticky({}).setCookie('server:http://elsewhere'), /not built with/);
});

test('a primary value pins without rewrite', () => {
  const cookie = sticky({});
  assert.equal(lookup(cookie, 'lvl2=d30a576c03187167'), 'server:http://127.0.0.1:8080/keep');
  assert.equal(lookup(cookie, 'lvl2=08d5f409490f61fc'), 'server:http://127.0.0.1:8081/keep');
});

test('legacy values pin and ask for a rewrite: raw key, FNV-1, double FNV-1', () => {
  const cookie = sticky({});
  const cases: readonly (readonly [string, string])[] = [
    ['lvl2=http://127.0.0.1:8080', 'server:http://127.0.0.1:8080/rewrite'],
    ['lvl2=5a1cc52f3f46040c', 'server:http://127.0.0.1:8080/rewrite'],
    ['lvl2=7d49894b220072d5', 'server:http://127.0.0.1:8080/rewrite'],
    ['lvl2=http://127.0.0.1:8081', 'server:http://127.0.0.1:8081/rewrite'],
    ['lvl2=5a1cc52f3f46040d', 'server:http://127.0.0.1:8081/rewrite'],
    ['lvl2=7d49894b220072d2', 'server:http://127.0.0.1:8081/rewrite'],
  ];
  for (const [line, expected] of cases) assert.equal(lookup(cookie, line), expected, line);
});

test('child service names are keys too (weighted level)', () => {
  const cookie = sticky({}, 'lvl1', ['whoami1', 'whoami2']);
  assert.equal(lookup(cookie, 'lvl1=whoami1'), 'server:whoami1/rewrite');
  assert.equal(lookup(cookie, 'lvl1=8dfb3926c09f6a70'), 'server:whoami1/keep');
});

test('absent, unknown or other-named cookies do not pin', () => {
  const cookie = sticky({});
  assert.equal(cookie.lookup([]), undefined);
  assert.equal(cookie.lookup(['Host', 'lvl2=d30a576c03187167']), undefined);
  assert.equal(lookup(cookie, 'lvl2=0000000000000000'), '-');
  assert.equal(lookup(cookie, 'lvl2=D30A576C03187167'), '-');
  assert.equal(lookup(cookie, 'lvl2='), '-');
  assert.equal(lookup(cookie, 'lvl1=d30a576c03187167'), '-');
});

test('finds the cookie among several on one line and across several Cookie lines, quoted or not', () => {
  const cookie = sticky({});
  assert.equal(lookup(cookie, 'lvl1=8dfb3926c09f6a70; lvl2=08d5f409490f61fc; other=x'), 'server:http://127.0.0.1:8081/keep');
  assert.equal(lookup(cookie, 'lvl1=8dfb3926c09f6a70', 'other=x', 'lvl2=d30a576c03187167'), 'server:http://127.0.0.1:8080/keep');
  assert.equal(lookup(cookie, 'lvl2="d30a576c03187167"'), 'server:http://127.0.0.1:8080/keep');
  // The docs' curl example: one raw URL per level.
  assert.equal(lookup(cookie, 'lvl1=whoami1; lvl2=http://127.0.0.1:8081'), 'server:http://127.0.0.1:8081/rewrite');
});

test('the first cookie of the name decides, even when its value is unknown', () => {
  assert.equal(lookup(sticky({}), 'lvl2=unknown; lvl2=d30a576c03187167'), '-');
});

test('when two servers share a key the last one wins', () => {
  const cookie = createStickyCookie(stickyCookieSchema.parse({}), 'c', [{ key: 'k', target: 'a' }, { key: 'k', target: 'b' }]);
  assert.equal(cookie.lookup(['Cookie', `c=${primaryCookieValue('k')}`])?.target, 'b');
});

test('with a secret, Set-Cookie carries a signed value', () => {
  const cookie = sticky({ secret, httpOnly: true });
  assert.equal(cookie.setCookie('server:http://127.0.0.1:8080'), 'lvl2=d30a576c03187167.5vN9NYa_w4UAB9eN-x9AQ9; Path=/; HttpOnly');
  assert.equal(cookie.setCookie('server:http://127.0.0.1:8081'), 'lvl2=08d5f409490f61fc.SG7MtSUENTmhWUS_IaRdFP; Path=/; HttpOnly');
});

test('with a secret, signed values pin without rewrite', () => {
  const cookie = sticky({ secret });
  assert.equal(lookup(cookie, 'lvl2=d30a576c03187167.5vN9NYa_w4UAB9eN-x9AQ9'), 'server:http://127.0.0.1:8080/keep');
  assert.equal(lookup(cookie, 'a=b', 'x=y; lvl2="08d5f409490f61fc.SG7MtSUENTmhWUS_IaRdFP"'), 'server:http://127.0.0.1:8081/keep');
});

test('with a secret, unsigned, raw, legacy and badly signed values are ignored', () => {
  const cookie = sticky({ secret });
  const rejected = [
    'lvl2=d30a576c03187167', // unsigned primary
    'lvl2=http://127.0.0.1:8080', // raw
    'lvl2=5a1cc52f3f46040c', // FNV-1
    'lvl2=7d49894b220072d5', // double FNV-1
    'lvl2=d30a576c03187167.5vN9NYa_w4UAB9eN-x9AQ8', // MAC tampered
    'lvl2=d30a576c03187167.SG7MtSUENTmhWUS_IaRdFP', // the other server's MAC
    'lvl2=08d5f409490f61fc.5vN9NYa_w4UAB9eN-x9AQ9', // primary swapped under a valid MAC
    'lvl2=d30a576c03187167.5vN9NYa_w4UAB9eN-x9AQ', // MAC truncated
    'lvl2=d30a576c03187167.5vN9NYa_w4UAB9eN-x9AQ9x', // MAC extended
    'lvl2=d30a576c03187167x5vN9NYa_w4UAB9eN-x9AQ9', // no separator
    'lvl2=0000000000000000.5vN9NYa_w4UAB9eN-x9AQ9', // unknown primary
  ];
  for (const line of rejected) assert.equal(lookup(cookie, line), '-', line);
});

test('with a secret, the MAC binds the cookie name and the secret', () => {
  const value = 'd30a576c03187167.5vN9NYa_w4UAB9eN-x9AQ9';
  assert.equal(lookup(sticky({ secret }, 'other'), `other=${value}`), '-');
  assert.equal(lookup(sticky({ secret: 'another-secret-of-16+' }), `lvl2=${value}`), '-');
});
