import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stripPrefixRegexSchema } from '../../config/dynamic.ts';
import { getHeaderValues } from '../../lib/exchange.ts';
import { MiddlewareConfigError } from '../middleware.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createStripPrefixRegex } from './strip-prefix-regex.ts';

interface Case {
  readonly title: string;
  readonly regex: readonly string[];
  readonly target: string;
  /** Path the server gets; null when the request is answered 400. */
  readonly expected: string | null;
  readonly prefixHeader?: readonly string[];
}

const cases: Case[] = [
  { title: 'strips the matched prefix', regex: ['/a/[a-z]+/'], target: '/a/b/c', expected: '/c', prefixHeader: ['/a/b/'] },
  { title: 'strips the whole path to /', regex: ['/a/api/'], target: '/a/api/', expected: '/', prefixHeader: ['/a/api/'] },
  { title: 'keeps a leading slash after the match', regex: ['/api/v[0-9]+'], target: '/api/v2/x?y=1', expected: '/x', prefixHeader: ['/api/v2'] },
  { title: 'ignores a leftmost match that is not at the start', regex: ['b/c'], target: '/a/b/c', expected: '/a/b/c', prefixHeader: [] },
  { title: 'ignores an unanchored match found later in the path', regex: ['[a-z]+'], target: '/abc', expected: '/abc', prefixHeader: [] },
  { title: 'skips a regex whose match is empty and tries the next', regex: ['x*', '/ab'], target: '/abc', expected: '/c', prefixHeader: ['/ab'] },
  { title: 'uses the first matching regex in configuration order', regex: ['/a', '/a/b'], target: '/a/b/c', expected: '/b/c', prefixHeader: ['/a'] },
  { title: 'matches the decoded path and cuts the escaped one', regex: ['^/foo/bar'], target: '/foo%2Fbar/x%2Fy', expected: '/x%2Fy', prefixHeader: ['/foo/bar'] },
  { title: 'trims the configured pattern', regex: ['  /trim  '], target: '/trim/x', expected: '/x' },
  { title: 'refuses a stripped path that climbs with ..', regex: ['/api'], target: '/api/../admin', expected: null },
];

describe('stripPrefixRegex', () => {
  for (const c of cases) {
    it(c.title, async () => {
      const middleware = createStripPrefixRegex(stripPrefixRegexSchema.parse({ regex: c.regex }), testContext());
      const { exchange, next } = await run(middleware, { target: c.target });
      if (c.expected === null) {
        assert.equal(next.seen.length, 0);
        assert.equal(exchange.sent.status, 400);
        return;
      }
      assert.equal(next.seen[0]!.path, c.expected);
      if (c.prefixHeader !== undefined) assert.deepEqual(getHeaderValues(next.seen[0]!.headers, 'x-forwarded-prefix'), c.prefixHeader);
    });
  }

  it('refuses a pattern RE2 does not compile, naming the field', () => {
    assert.throws(
      () => createStripPrefixRegex(stripPrefixRegexSchema.parse({ regex: ['/ok', '/(unclosed'] }), testContext()),
      (err: unknown) => err instanceof MiddlewareConfigError && err.code === 'MIDDLEWARE_INVALID_REGEX' && err.field === 'regex[1]',
    );
  });
});
