import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ensureLeadingSlash, escapedLength, escapedPathFromRaw, escapePath, isCleanPath, isValidEscapedPath, unescapePath,
} from './escaped-path.ts';

describe('unescapePath (Go url.PathUnescape)', () => {
  const cases: [string, string | null][] = [
    ['/plain/path', '/plain/path'],
    ['/a%2Fb', '/a/b'],
    ['/caf%C3%A9', '/café'],
    ['/a+b', '/a+b'],
    ['/bad%zz', null],
    ['/short%2', null],
    ['/trailing%', null],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${String(expected)}`, () => assert.equal(unescapePath(input), expected));
  }
});

describe('escapePath (Go escape, encodePath)', () => {
  const cases: [string, string][] = [
    ['/a/b', '/a/b'],
    ['/a b', '/a%20b'],
    ['/café', '/caf%C3%A9'],
    ['/q?x', '/q%3Fx'],
    ['/100%', '/100%25'],
    ["/keep$&+,:;=@-_.~", "/keep$&+,:;=@-_.~"],
    ['/paren(x)', '/paren%28x%29'],
  ];
  for (const [input, expected] of cases) it(`${input} → ${expected}`, () => assert.equal(escapePath(input), expected));
});

describe('escapedPathFromRaw (Go RawPath then EscapedPath)', () => {
  const cases: [string, string | null][] = [
    ['/foo%2Fbar', '/foo%2Fbar'],
    ['/paren(x)', '/paren(x)'],
    ['/a b', '/a%20b'],
    ['/a%zz', null],
  ];
  for (const [input, expected] of cases) it(`${input} → ${String(expected)}`, () => assert.equal(escapedPathFromRaw(input), expected));
  it('accepts RFC 3986 pchar as already escaped', () => assert.equal(isValidEscapedPath("/!$&'()*+,;=:@[]%41"), true));
});

describe('isCleanPath (URL.JoinPath leaves it unchanged)', () => {
  const cases: [string, boolean][] = [
    ['/', true],
    ['/a/b', true],
    ['/a/b/', true],
    ['/a%2F..', true],
    ['/..hidden', true],
    ['//a', false],
    ['/a//b', false],
    ['/a/./b', false],
    ['/a/../b', false],
    ['/a/.', false],
    ['/..', false],
    ['a/b', true],
    ['../a', false],
  ];
  for (const [input, expected] of cases) it(`${input} → ${expected}`, () => assert.equal(isCleanPath(input), expected));
});

describe('escapedLength (Traefik encodedPrefixLen)', () => {
  it('counts one character per plain byte', () => assert.equal(escapedLength('/api/x', 4), 4));
  it('counts three characters per %XX', () => assert.equal(escapedLength('/caf%C3%A9/x', 6), 10));
  it('stops at the end of the path', () => assert.equal(escapedLength('/a', 10), 2));
});

describe('ensureLeadingSlash', () => {
  for (const [input, expected] of [['', ''], ['x', '/x'], ['/x', '/x']] as const) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => assert.equal(ensureLeadingSlash(input), expected));
  }
});
