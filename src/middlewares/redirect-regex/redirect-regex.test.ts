import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redirectRegexSchema } from '../../config/dynamic.ts';
import { getHeader } from '../../lib/exchange.ts';
import { MiddlewareConfigError } from '../middleware.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createRedirectRegex } from './redirect-regex.ts';

interface Case {
  readonly title: string;
  readonly config: Record<string, unknown>;
  readonly method?: string;
  readonly target?: string;
  readonly host?: string;
  readonly tls?: boolean;
  readonly headers?: readonly string[];
  /** [status, Location], a bare status for an error, or null when the request passes through. */
  readonly expected: readonly [number, string] | number | null;
}

const cases: Case[] = [
  {
    title: 'rewrites with groups',
    config: { regex: String.raw`^(?:http?:\/\/)(foo)(\.com)(:\d+)(.*)$`, replacement: 'https://${1}bar$2:443$4' },
    host: 'foo.com:80', expected: [302, 'https://foobar.com:443/'],
  },
  {
    title: 'keeps path and query through a group',
    config: { regex: '^http://localhost/(.*)', replacement: 'https://example.com/$1' },
    host: 'localhost', target: '/a/b?c=d', expected: [302, 'https://example.com/a/b?c=d'],
  },
  { title: 'passes a URL the regex does not match', config: { regex: '^https://', replacement: 'http://x/' }, expected: null },
  { title: 'passes when the rewrite leaves the URL unchanged', config: { regex: '^(.*)$', replacement: '$1' }, expected: null },
  {
    title: 'sees https only on TLS',
    config: { regex: '^https://(.*)', replacement: 'http://$1' }, tls: true, expected: [302, 'http://example.com/'],
  },
  {
    title: 'ignores X-Forwarded-Proto',
    config: { regex: '^https://(.*)', replacement: 'http://$1' }, headers: ['X-Forwarded-Proto', 'https'], expected: null,
  },
  {
    title: 'answers 308 to a permanent POST',
    config: { regex: '^http://(.*)', replacement: 'https://$1', permanent: true }, method: 'POST', expected: [308, 'https://example.com/'],
  },
  {
    title: 'sends the Location as Go prints it',
    config: { regex: '^http://example.com/(.*)', replacement: 'HTTPS://example.com/a b/$1' }, target: '/x', expected: [302, 'https://example.com/a%20b/x'],
  },
  {
    title: 'answers 502 when the rewritten URL does not parse',
    config: { regex: '^http://(.*)', replacement: 'http://[bad/$1' }, expected: 502,
  },
];

describe('redirectRegex', () => {
  for (const c of cases) {
    it(c.title, async () => {
      const middleware = createRedirectRegex(redirectRegexSchema.parse(c.config), testContext());
      const { exchange, next } = await run(middleware, {
        method: c.method ?? 'GET', target: c.target ?? '/', tls: c.tls ?? false,
        headers: ['Host', c.host ?? 'example.com', ...(c.headers ?? [])],
      });
      if (c.expected === null) {
        assert.equal(next.seen.length, 1);
        return;
      }
      assert.equal(next.seen.length, 0);
      if (typeof c.expected === 'number') {
        assert.equal(exchange.sent.status, c.expected);
        return;
      }
      assert.equal(exchange.sent.status, c.expected[0]);
      assert.equal(getHeader(exchange.sent.headers, 'location'), c.expected[1]);
    });
  }

  it('refuses a regex RE2 does not compile', () => {
    assert.throws(() => createRedirectRegex(redirectRegexSchema.parse({ regex: '(', replacement: 'x' }), testContext()), MiddlewareConfigError);
  });
});
