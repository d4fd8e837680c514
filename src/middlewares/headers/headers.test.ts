import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headersSchema } from '../../config/dynamic.ts';
import { getHeader, getHeaderValues } from '../../lib/exchange.ts';
import { MiddlewareConfigError } from '../middleware.ts';
import { fakeExchange, recordingHandler } from '../testing/fake-exchange.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createHeaders } from './headers.ts';

const headers = (config: Record<string, unknown>) => createHeaders(headersSchema.parse(config), testContext());

describe('headers: custom request headers', () => {
  const cases: { title: string; custom: Record<string, string>; sent: string[]; expected: Record<string, string[]> }[] = [
    { title: 'adds a header', custom: { 'X-Custom': 'a' }, sent: [], expected: { 'x-custom': ['a'] } },
    { title: 'replaces every line the client sent', custom: { 'X-Custom': 'a' }, sent: ['x-custom', 'b', 'X-CUSTOM', 'c'], expected: { 'x-custom': ['a'] } },
    { title: 'deletes a header set to ""', custom: { 'X-Custom': '' }, sent: ['X-Custom', 'b'], expected: { 'x-custom': [] } },
    { title: 'sets the host with Host', custom: { Host: 'backend.internal' }, sent: [], expected: { host: ['backend.internal'] } },
    { title: 'keeps the host for Host: ""', custom: { Host: '' }, sent: [], expected: { host: ['example.com'] } },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const { next } = await run(headers({ customRequestHeaders: c.custom }), { headers: c.sent });
      for (const [name, values] of Object.entries(c.expected)) assert.deepEqual(getHeaderValues(next.seen[0]!.headers, name), values);
    });
  }
});

describe('headers: custom response headers', () => {
  it('sets and deletes headers of the server response', async () => {
    const { exchange } = await run(
      headers({ customResponseHeaders: { 'X-Added': 'yes', Server: '', 'X-Powered-By': 'switchyard' } }),
      {},
      { headers: ['Server', 'nginx', 'X-Powered-By', 'php', 'X-Kept', 'k'] },
    );
    assert.equal(getHeader(exchange.sent.headers, 'x-added'), 'yes');
    assert.equal(getHeader(exchange.sent.headers, 'server'), undefined);
    assert.deepEqual(getHeaderValues(exchange.sent.headers, 'x-powered-by'), ['switchyard']);
    assert.equal(getHeader(exchange.sent.headers, 'x-kept'), 'k');
  });

  it('lets custom response headers win over security headers', async () => {
    const { exchange } = await run(headers({ frameDeny: true, customResponseHeaders: { 'X-Frame-Options': 'SAMEORIGIN' } }));
    assert.deepEqual(getHeaderValues(exchange.sent.headers, 'x-frame-options'), ['SAMEORIGIN']);
  });

  it('adds custom response headers to the Bad Host answer', async () => {
    const { exchange, next } = await run(headers({ allowedHosts: ['good.example'], customResponseHeaders: { 'X-Added': 'yes' } }));
    assert.equal(next.seen.length, 0);
    assert.equal(exchange.sent.status, 500);
    assert.equal(getHeader(exchange.sent.headers, 'x-added'), 'yes');
  });

  it('leaves an informational head (101) alone', async () => {
    const { exchange } = await run(headers({ frameDeny: true, customResponseHeaders: { 'X-Added': 'yes' } }), {}, { status: 101, body: '' });
    assert.equal(exchange.sent.status, 101);
    assert.equal(getHeader(exchange.sent.headers, 'x-added'), undefined);
    assert.equal(getHeader(exchange.sent.headers, 'x-frame-options'), undefined);
  });

  it('lets the outer of two headers middlewares win, as Traefik wraps response writers', async () => {
    const outer = headers({ customResponseHeaders: { 'X-Who': 'outer' } });
    const inner = headers({ customResponseHeaders: { 'X-Who': 'inner', 'X-Inner': 'seen' } });
    const exchange = fakeExchange();
    await outer(inner(recordingHandler()))(exchange);
    assert.deepEqual(getHeaderValues(exchange.sent.headers, 'x-who'), ['outer']);
    assert.equal(getHeader(exchange.sent.headers, 'x-inner'), 'seen');
  });
});

describe('headers: configuration', () => {
  it('refuses a config with nothing set, as Traefik does', () => {
    assert.throws(() => headers({}), (err: unknown) => err instanceof MiddlewareConfigError && err.code === 'MIDDLEWARE_HEADERS_EMPTY');
  });

  it('builds a config with only an empty custom header value', () => {
    assert.doesNotThrow(() => headers({ customRequestHeaders: { 'X-Remove': '' } }));
  });
});
