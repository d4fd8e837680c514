import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goUrlString } from './location.ts';

const cases: [input: string, expected: string | null][] = [
  ['https://example.com/a?b=1', 'https://example.com/a?b=1'],
  ['http://x', 'http://x'],
  ['HTTPS://Example.com/a', 'https://Example.com/a'],
  ['http://x/a b', 'http://x/a%20b'],
  ['http://x/a%2Fb', 'http://x/a%2Fb'],
  ['http://x/p?', 'http://x/p?'],
  ['http://x/p#a b', 'http://x/p#a%20b'],
  ['http://x/p#', 'http://x/p'],
  ['http://[::1]:8080/p', 'http://[::1]:8080/p'],
  ['http://user:pass@x/', 'http://user:pass@x/'],
  ['http://héllo.com/', 'http://h%C3%A9llo.com/'],
  ['http:/path', 'http:/path'],
  ['/relative/path?q#frag', '/relative/path?q#frag'],
  ['mailto:someone@example.com', 'mailto:someone@example.com'],
  ['http://x/a%zz', null],
  ['http://exa mple.com/', null],
  ['http://x:80a/', null],
  ['http://[::1/', null],
  ['http://us er@x/', null],
  ['http://x/\u0001', null],
  [':nope', null],
  ['1a:b', null],
];

describe('goUrlString (Go url.Parse then String)', () => {
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => assert.equal(goUrlString(input), expected));
  }
});
