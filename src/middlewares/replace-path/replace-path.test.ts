import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replacePathSchema } from '../../config/dynamic.ts';
import { getHeaderValues } from '../../lib/exchange.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createReplacePath } from './replace-path.ts';

const cases: { title: string; path: string; target: string; expected: string | null; replaced: string }[] = [
  { title: 'replaces the path and keeps the old one', path: '/replacement-path', target: '/example', expected: '/replacement-path', replaced: '/example' },
  { title: 'keeps the query', path: '/new', target: '/old?x=1', expected: '/new', replaced: '/old' },
  { title: 'sends the old path escaped', path: '/new', target: '/foo%2Fbar', expected: '/new', replaced: '/foo%2Fbar' },
  { title: 'keeps escapes of the configured path', path: '/foo%2Fbar', target: '/path', expected: '/foo%2Fbar', replaced: '/path' },
  { title: 'escapes what the configured path cannot carry raw', path: '/a b', target: '/path', expected: '/a%20b', replaced: '/path' },
  { title: 'answers 500 for a configured path with a bad escape', path: '/bad%zz', target: '/path', expected: null, replaced: '/path' },
];

describe('replacePath', () => {
  for (const c of cases) {
    it(c.title, async () => {
      const middleware = createReplacePath(replacePathSchema.parse({ path: c.path }), testContext());
      const { exchange, next } = await run(middleware, { target: c.target });
      if (c.expected === null) {
        assert.equal(next.seen.length, 0);
        assert.equal(exchange.sent.status, 500);
        return;
      }
      const seen = next.seen[0]!;
      assert.equal(seen.path, c.expected);
      assert.equal(seen.query, c.target.includes('?') ? c.target.slice(c.target.indexOf('?') + 1) : '');
      assert.deepEqual(getHeaderValues(seen.headers, 'x-replaced-path'), [c.replaced]);
    });
  }
});
