import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalHost, normalizePath, routingPath, sanitizePath } from './routing-path.ts';

function table<I, O>(name: string, fn: (input: I) => O, cases: readonly [I, O, string?][]): void {
  describe(name, () => {
    for (const [input, expected, why] of cases) {
      test(`${JSON.stringify(input)} → ${JSON.stringify(expected)}${why === undefined ? '' : ` (${why})`}`, () => {
        assert.equal(fn(input), expected);
      });
    }
  });
}

table('routingPath decodes all but reserved escapes', routingPath, [
  ['/plain/path', '/plain/path'],
  ['/foo%20bar', '/foo bar'],
  ['/foo%2Fbar', '/foo%2Fbar', 'an encoded slash stays encoded'],
  ['/foo%2fbar', '/foo%2fbar', 'also in lower case'],
  ['/caf%C3%A9', '/café', 'bytes reassemble as UTF-8'],
  ['/%E2%82%AC', '/€'],
  ['/%25', '/%25', '% is reserved'],
  ['/%25%32%46', '/%252F', 'no double decoding'],
  ['/%3A%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D', '/%3A%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D', 'every reserved character'],
  ['/%7E%41%2D', '/~A-'],
  ['/a%', null, 'a lone trailing %'],
  ['/a%2', null, 'a truncated escape'],
  ['/a%G0', null, 'not hexadecimal'],
]);

describe('routingPath', () => {
  test('returns the same string when there is nothing to decode', () => {
    const path = '/no/escapes/here';
    assert.equal(routingPath(path), path);
  });
});

table('normalizePath decodes unreserved escapes and upper-cases the others', normalizePath, [
  ['/plain', '/plain'],
  ['/%7euser', '/~user'],
  ['/%41%62%2D%2e%5F', '/Ab-._'],
  ['/a%2fb', '/a%2Fb'],
  ['/%e2%82%ac', '/%E2%82%AC'],
  ['/%2F', '/%2F'],
  ['/a%', null, 'a lone trailing %'],
  ['/a%4', null],
  ['/a%zz', null, 'Go refuses malformed escapes'],
]);

table('sanitizePath resolves dot segments and collapses slashes', sanitizePath, [
  ['/a/../b', '/b'],
  ['//foo', '/foo'],
  ['/./foo/../bar//', '/bar/'],
  ['/', '/'],
  ['/..', '/', 'never above the root'],
  ['/../../a', '/a'],
  ['/a/..', '/'],
  ['/a/b/', '/a/b/', 'a trailing slash is kept'],
  ['/a/./b', '/a/b'],
  ['/a//b///c', '/a/b/c'],
  ['/a/b/..', '/a'],
  ['/a/b/../', '/a/'],
  ['/%2E%2E/a', '/%2E%2E/a', 'escaped dots are not segments (normalizePath decodes them first)'],
]);

table('canonicalHost strips the port, trims, lower-cases and drops a trailing dot', canonicalHost, [
  ['Example.COM', 'example.com'],
  ['example.com:8080', 'example.com'],
  ['example.com.', 'example.com'],
  ['example.com.:443', 'example.com'],
  [' example.com ', 'example.com'],
  ['[::1]:443', '::1'],
  ['[::1]', '::1'],
  ['::1', '::1', 'a bare IPv6 address stays whole'],
  ['[2001:DB8::1]:80', '2001:db8::1'],
  ['10.0.0.1:80', '10.0.0.1'],
  ['host:', 'host'],
  ['', ''],
]);
