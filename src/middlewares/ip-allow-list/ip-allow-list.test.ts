import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipAllowListSchema, ipWhiteListSchema, type IpAllowListMiddleware } from '../../config/dynamic.ts';
import { getHeader } from '../../lib/exchange.ts';
import { MiddlewareConfigError } from '../middleware.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createIpAllowList } from './ip-allow-list.ts';

interface Case {
  readonly title: string;
  readonly config: unknown;
  readonly peer: string;
  readonly xff?: string;
  /** The status the client gets: 200 when the request reached the service. */
  readonly expected: number;
}

const cases: Case[] = [
  { title: 'lets a peer inside a range through', config: { sourceRange: ['10.0.0.0/8'] }, peer: '10.1.2.3', expected: 200 },
  { title: 'lets an exact address through', config: { sourceRange: ['192.168.1.7'] }, peer: '192.168.1.7', expected: 200 },
  { title: 'rejects a peer outside every range with 403', config: { sourceRange: ['10.0.0.0/8', '192.168.1.7'] }, peer: '192.168.1.8', expected: 403 },
  { title: 'matches IPv6 peers against IPv6 ranges', config: { sourceRange: ['2001:db8::/32'] }, peer: '2001:db8::42', expected: 200 },
  { title: 'ignores X-Forwarded-For without an ipStrategy', config: { sourceRange: ['1.1.1.1'] }, peer: '10.0.0.1', xff: '1.1.1.1', expected: 403 },
  { title: 'with depth, checks the chosen X-Forwarded-For address', config: { sourceRange: ['1.1.1.1'], ipStrategy: { depth: 2 } }, peer: '10.0.0.1', xff: '1.1.1.1, 2.2.2.2', expected: 200 },
  { title: 'with depth beyond X-Forwarded-For, rejects', config: { sourceRange: ['0.0.0.0/0'], ipStrategy: { depth: 3 } }, peer: '10.0.0.1', xff: '1.1.1.1, 2.2.2.2', expected: 403 },
  { title: 'with excludedIPs, checks the first address not excluded', config: { sourceRange: ['1.1.1.1'], ipStrategy: { excludedIPs: ['2.2.2.2'] } }, peer: '10.0.0.1', xff: '1.1.1.1, 2.2.2.2', expected: 200 },
  { title: 'answers rejectStatusCode when set', config: { sourceRange: ['10.0.0.0/8'], rejectStatusCode: 404 }, peer: '192.0.2.1', expected: 404 },
];

describe('ipAllowList', () => {
  for (const c of cases) {
    it(c.title, async () => {
      const middleware = createIpAllowList(ipAllowListSchema.parse(c.config), testContext());
      const { exchange, next } = await run(middleware, { remoteAddress: c.peer, headers: c.xff === undefined ? [] : ['X-Forwarded-For', c.xff] });
      assert.equal(exchange.sent.status, c.expected);
      assert.equal(next.seen.length, c.expected === 200 ? 1 : 0);
    });
  }

  it('answers the status text as the body', async () => {
    const middleware = createIpAllowList(ipAllowListSchema.parse({ sourceRange: ['10.0.0.0/8'] }), testContext());
    const { exchange } = await run(middleware, { remoteAddress: '192.0.2.1' });
    assert.equal(exchange.sent.body, 'Forbidden');
    assert.equal(getHeader(exchange.sent.headers, 'content-length'), '9');
  });

  it('takes rejectStatusCode 0 as the default 403, as Traefik does', async () => {
    const middleware = createIpAllowList(ipAllowListSchema.parse({ sourceRange: ['10.0.0.0/8'], rejectStatusCode: 0 }), testContext());
    const { exchange } = await run(middleware, { remoteAddress: '192.0.2.1' });
    assert.equal(exchange.sent.status, 403);
  });

  it('builds ipWhiteList from its own schema (no rejectStatusCode)', async () => {
    const middleware = createIpAllowList(ipWhiteListSchema.parse({ sourceRange: ['10.0.0.0/8'] }), testContext());
    const { exchange } = await run(middleware, { remoteAddress: '192.0.2.1' });
    assert.equal(exchange.sent.status, 403);
  });

  const refused: [string, IpAllowListMiddleware, string, string][] = [
    ['an empty sourceRange', { sourceRange: [], rejectStatusCode: 403 }, 'MIDDLEWARE_INVALID_VALUE', 'sourceRange'],
    ['a range that does not parse', { sourceRange: ['10.0.0.0/8', '10.0.0.300'], rejectStatusCode: 403 }, 'MIDDLEWARE_INVALID_CIDR', 'sourceRange[1]'],
    ['a status code without a status text', { sourceRange: ['10.0.0.0/8'], rejectStatusCode: 599 }, 'MIDDLEWARE_INVALID_VALUE', 'rejectStatusCode'],
  ];
  for (const [what, config, code, field] of refused) {
    it(`refuses ${what} with ${code}`, () => {
      // Built without the schema: the factory checks what the schema may already have refused.
      assert.throws(() => createIpAllowList(config, testContext()), (err: unknown) => {
        assert.ok(err instanceof MiddlewareConfigError);
        assert.equal(err.code, code);
        assert.equal(err.field, field);
        return true;
      });
    });
  }
});
