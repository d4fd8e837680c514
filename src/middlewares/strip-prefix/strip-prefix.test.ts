import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stripPrefixSchema } from '../../config/dynamic.ts';
import { getHeaderValues } from '../../lib/exchange.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createStripPrefix } from './strip-prefix.ts';

interface Case {
  readonly title: string;
  readonly config: unknown;
  readonly target: string;
  readonly headers?: readonly string[];
  /** Path and query the server gets; null when the request is answered 400. */
  readonly expected: string | null;
  readonly prefixHeader?: readonly string[];
}

const cases: Case[] = [
  { title: 'passes a path without the prefix unchanged', config: { prefixes: ['/stat'] }, target: '/nope', expected: '/nope', prefixHeader: [] },
  { title: 'strips the whole path to /', config: { prefixes: ['/stat'] }, target: '/stat', expected: '/', prefixHeader: ['/stat'] },
  { title: 'strips a prefix followed by a slash', config: { prefixes: ['/stat'] }, target: '/stat/us', expected: '/us', prefixHeader: ['/stat'] },
  { title: 'strips a string prefix inside a segment', config: { prefixes: ['/stat'] }, target: '/status', expected: '/us', prefixHeader: ['/stat'] },
  { title: 'keeps the leading slash when the prefix ends with one', config: { prefixes: ['/stat/'] }, target: '/stat/us', expected: '/us' },
  { title: 'does not match a shorter path', config: { prefixes: ['/stat/'] }, target: '/stat', expected: '/stat', prefixHeader: [] },
  { title: 'uses the first prefix in configuration order', config: { prefixes: ['/api', '/api/v1'] }, target: '/api/v1/x', expected: '/v1/x', prefixHeader: ['/api'] },
  { title: 'keeps the query', config: { prefixes: ['/api'] }, target: '/api/x?a=1&b', expected: '/x?a=1&b' },
  { title: 'matches the decoded path and cuts the escaped one', config: { prefixes: ['/foo/bar'] }, target: '/foo%2Fbar/baz%2Fqux', expected: '/baz%2Fqux', prefixHeader: ['/foo/bar'] },
  { title: 'cuts multi-byte escapes by their decoded bytes', config: { prefixes: ['/café'] }, target: '/caf%C3%A9/menu', expected: '/menu', prefixHeader: ['/café'] },
  { title: 'matches the prefix untrimmed and sends it trimmed', config: { prefixes: ['/api '] }, target: '/api%20x', expected: '/x', prefixHeader: ['/api'] },
  { title: 'appends to an X-Forwarded-Prefix the client sent', config: { prefixes: ['/b'] }, target: '/b/c', headers: ['X-Forwarded-Prefix', '/a'], expected: '/c', prefixHeader: ['/a', '/b'] },
  { title: 'refuses a stripped path that climbs with ..', config: { prefixes: ['/api'] }, target: '/api/../admin', expected: null },
  { title: 'refuses a prefix glued to a dot segment', config: { prefixes: ['/api'] }, target: '/api../admin', expected: null },
  { title: 'refuses a stripped path with an empty segment', config: { prefixes: ['/api'] }, target: '/api//x', expected: null },
  { title: 'accepts the deprecated forceSlash', config: { prefixes: ['/api'], forceSlash: true }, target: '/api/x', expected: '/x' },
];

describe('stripPrefix', () => {
  for (const c of cases) {
    it(c.title, async () => {
      const middleware = createStripPrefix(stripPrefixSchema.parse(c.config), testContext());
      const { exchange, next } = await run(middleware, { target: c.target, headers: c.headers ?? [] });
      if (c.expected === null) {
        assert.equal(next.seen.length, 0);
        assert.equal(exchange.sent.status, 400);
        return;
      }
      assert.equal(next.seen.length, 1);
      const seen = next.seen[0]!;
      assert.equal(seen.query === '' ? seen.path : `${seen.path}?${seen.query}`, c.expected);
      if (c.prefixHeader !== undefined) assert.deepEqual(getHeaderValues(seen.headers, 'x-forwarded-prefix'), c.prefixHeader);
      assert.equal(exchange.sent.status, 200);
    });
  }
});
