import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replacePathRegexSchema } from '../../config/dynamic.ts';
import { getHeaderValues } from '../../lib/exchange.ts';
import { MiddlewareConfigError } from '../middleware.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createReplacePathRegex } from './replace-path-regex.ts';

interface Case {
  readonly title: string;
  readonly regex: string;
  readonly replacement: string;
  readonly target: string;
  /** Path the server gets, or the status the client gets. */
  readonly expected: string | number;
  readonly replaced?: readonly string[];
}

const cases: Case[] = [
  { title: 'replaces with groups', regex: '^/foo/(.*)', replacement: '/bar/$1', target: '/foo/baz', expected: '/bar/baz', replaced: ['/foo/baz'] },
  { title: 'replaces every match', regex: 'a', replacement: 'o', target: '/aaa/ba', expected: '/ooo/bo' },
  { title: 'passes a path the regex does not match, without X-Replaced-Path', regex: '^/nope', replacement: '/x', target: '/foo', expected: '/foo', replaced: [] },
  { title: 'works on the escaped path', regex: '^/foo%2F(.*)', replacement: '/bar/$1', target: '/foo%2Fbaz', expected: '/bar/baz', replaced: ['/foo%2Fbaz'] },
  { title: 'lets the replacement introduce escapes', regex: '^/foo/(.*)', replacement: '/a%2F$1', target: '/foo/b', expected: '/a%2Fb' },
  { title: 'expands ${name} groups', regex: '^/(?P<first>[a-z]+)/(?P<second>[a-z]+)', replacement: '/${second}/${first}', target: '/ab/cd', expected: '/cd/ab' },
  { title: 'trims regex and replacement', regex: '  ^/t  ', replacement: '  /u  ', target: '/t', expected: '/u' },
  { title: 'keeps the query', regex: '^/a', replacement: '/b', target: '/a?q=1', expected: '/b' },
  { title: 'answers 500 when the result has a bad escape', regex: '^/(.*)', replacement: '/%zz$1', target: '/x', expected: 500 },
  { title: 'answers 400 when the result would be cleaned', regex: '^/api/(.*)', replacement: '/public/../$1', target: '/api/admin', expected: 400 },
  { title: 'answers 400 for an empty segment in the result', regex: '^/api', replacement: '/', target: '/api/x', expected: 400 },
  { title: 'sends / for a path the replacement empties', regex: '^/.*', replacement: '$1', target: '/anything', expected: '/' },
  { title: 'leaves the path alone when the replacement is empty, as Traefik does', regex: '^/.*', replacement: '', target: '/anything', expected: '/anything', replaced: [] },
];

describe('replacePathRegex', () => {
  for (const c of cases) {
    it(c.title, async () => {
      const config = replacePathRegexSchema.parse({ regex: c.regex, replacement: c.replacement });
      const { exchange, next } = await run(createReplacePathRegex(config, testContext()), { target: c.target });
      if (typeof c.expected === 'number') {
        assert.equal(next.seen.length, 0);
        assert.equal(exchange.sent.status, c.expected);
        return;
      }
      const seen = next.seen[0]!;
      assert.equal(seen.path, c.expected);
      assert.equal(seen.query, c.target.includes('?') ? c.target.slice(c.target.indexOf('?') + 1) : '');
      if (c.replaced !== undefined) assert.deepEqual(getHeaderValues(seen.headers, 'x-replaced-path'), c.replaced);
    });
  }

  it('refuses a regex RE2 does not compile', () => {
    const config = replacePathRegexSchema.parse({ regex: '(?<!x)y', replacement: '/' });
    assert.throws(() => createReplacePathRegex(config, testContext()), MiddlewareConfigError);
  });
});
