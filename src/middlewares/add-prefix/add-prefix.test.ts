import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addPrefixSchema } from '../../config/dynamic.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createAddPrefix } from './add-prefix.ts';

const cases: { title: string; prefix: string; target: string; expected: string }[] = [
  { title: 'prepends the prefix', prefix: '/api', target: '/users', expected: '/api/users' },
  { title: 'keeps a double slash from a prefix ending with /', prefix: '/api/', target: '/users', expected: '/api//users' },
  { title: 'adds the missing leading slash', prefix: 'api', target: '/users', expected: 'api/users' },
  { title: 'keeps the escaped path as it is', prefix: '/api', target: '/a%2Fb', expected: '/api/a%2Fb' },
  { title: 'escapes what a path cannot carry raw', prefix: '/my api', target: '/x', expected: '/my%20api/x' },
  { title: 'keeps the query', prefix: '/api', target: '/x?q=1', expected: '/api/x?q=1' },
];

describe('addPrefix', () => {
  for (const c of cases) {
    it(c.title, async () => {
      const middleware = createAddPrefix(addPrefixSchema.parse({ prefix: c.prefix }), testContext());
      const { next } = await run(middleware, { target: c.target });
      const seen = next.seen[0]!;
      const expected = c.expected.startsWith('/') ? c.expected : `/${c.expected}`;
      assert.equal(seen.query === '' ? seen.path : `${seen.path}?${seen.query}`, expected);
    });
  }
});
