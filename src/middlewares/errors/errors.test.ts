import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorsSchema } from '../../config/http-middlewares-traffic.ts';
import { getHeader, type Handler } from '../../lib/exchange.ts';
import { MiddlewareConfigError } from '../middleware.ts';
import { recordingHandler, type CannedResponse } from '../testing/fake-exchange.ts';
import { run, testContext } from '../testing/test-context.ts';
import { errorPageTarget } from './error-page-target.ts';
import { createErrors, parseStatusRewrites, rewriteStatus } from './errors.ts';

function build(config: Record<string, unknown>, page: Handler | null = recordingHandler({ status: 200, headers: ['Content-Type', 'text/html'], body: 'the page' })) {
  const services: Record<string, Handler | null> = { 'pages@file': page };
  return createErrors(errorsSchema.parse({ service: 'pages', ...config }), testContext({}, { service: (ref) => services[ref] ?? null }));
}

describe('errors', () => {
  const caughtCases: { title: string; config: Record<string, unknown>; response: CannedResponse; status: number; body: string }[] = [
    { title: 'serves the page with the caught status', config: { status: ['500-599'] }, response: { status: 503, body: 'down' }, status: 503, body: 'the page' },
    { title: 'catches a single status', config: { status: ['404'] }, response: { status: 404, body: 'nope' }, status: 404, body: 'the page' },
    { title: 'streams a status outside the ranges untouched', config: { status: ['500-501', '503-599'] }, response: { status: 502, body: 'bad gateway' }, status: 502, body: 'bad gateway' },
    { title: 'streams a 200 untouched', config: { status: ['500-599'] }, response: { status: 200, body: 'fine' }, status: 200, body: 'fine' },
    { title: 'sends the rewritten status', config: { status: ['400-599'], statusRewrites: { '418': 404, '502-504': 500 } }, response: { status: 503 }, status: 500, body: 'the page' },
  ];
  for (const c of caughtCases) {
    it(c.title, async () => {
      const { exchange } = await run(build(c.config), {}, c.response);
      assert.equal(exchange.sent.status, c.status);
      assert.equal(exchange.sent.body, c.body);
      assert.equal(exchange.sent.ended, true);
    });
  }

  it('drops the caught response headers and relays the page headers', async () => {
    const { exchange } = await run(build({ status: ['500'] }), {}, { status: 500, headers: ['X-From-Service', 'yes'] });
    assert.equal(getHeader(exchange.sent.headers, 'x-from-service'), undefined);
    assert.equal(getHeader(exchange.sent.headers, 'content-type'), 'text/html');
  });

  it('sends a GET for the query with placeholders filled and the request headers', async () => {
    const page = recordingHandler({ body: 'p' });
    const { exchange } = await run(build({ status: ['500-599'], statusRewrites: { '503': 502 }, query: '/{status}/{originalStatus}?from={url}' }, page), {
      method: 'POST', target: '/a b/x?q=1&r=2', headers: ['Host', 'shop.example', 'Cookie', 'c=1', 'Content-Length', '3'],
    }, { status: 503 });
    assert.equal(exchange.sent.status, 502);
    const seen = page.seen[0]!;
    assert.equal(seen.method, 'GET');
    assert.equal(seen.path, '/502/503');
    assert.equal(seen.query, 'from=%2Fa+b%2Fx%3Fq%3D1%26r%3D2');
    assert.deepEqual(seen.headers, ['Host', 'shop.example', 'Cookie', 'c=1']);
  });

  it('forwards only errorRequestHeaders (and Host) when set', async () => {
    const page = recordingHandler();
    await run(build({ status: ['500'], errorRequestHeaders: ['accept'] }, page), { headers: ['Host', 'h.example', 'Accept', 'text/html', 'Cookie', 'c=1'] }, { status: 500 });
    assert.deepEqual(page.seen[0]!.headers, ['Host', 'h.example', 'Accept', 'text/html']);
  });

  it('passes the error service failure through under the caught status', async () => {
    const { exchange } = await run(build({ status: ['500-599'] }, recordingHandler({ status: 502, body: 'Bad Gateway' })), {}, { status: 503 });
    assert.equal(exchange.sent.status, 503);
    assert.equal(exchange.sent.body, 'Bad Gateway');
  });

  it('refuses a service that does not exist', () => {
    assert.throws(() => build({ status: ['500'] }, null), (err: unknown) =>
      err instanceof MiddlewareConfigError && err.code === 'MIDDLEWARE_SERVICE_UNAVAILABLE' && err.field === 'service');
  });

  it('qualifies a service reference with the provider unless it names one', () => {
    const asked: string[] = [];
    const context = testContext({}, { service: (ref) => { asked.push(ref); return recordingHandler(); } });
    createErrors(errorsSchema.parse({ service: 'pages', status: ['500'] }), context);
    createErrors(errorsSchema.parse({ service: 'pages@kubernetescrd', status: ['500'] }), context);
    assert.deepEqual(asked, ['pages@file', 'pages@kubernetescrd']);
  });
});

describe('error page target', () => {
  const facts = { status: 404, originalStatus: 418, url: '/x?y=1' };
  const cases: [string, string, { path: string; query: string } | null][] = [
    ['', 'asks for / without a query', { path: '/', query: '' }],
    ['{status}.html', 'adds the leading slash', { path: '/404.html', query: '' }],
    ['/{originalStatus}', 'fills originalStatus', { path: '/418', query: '' }],
    ['/e?u={url}', 'escapes url like url.QueryEscape', { path: '/e', query: 'u=%2Fx%3Fy%3D1' }],
    ['/a page#frag', 'escapes a space in the path and drops the fragment', { path: '/a%20page', query: '' }],
    ['/bad%zz', 'refuses an invalid escape', null],
  ];
  for (const [query, title, expected] of cases) {
    it(title, () => assert.deepEqual(errorPageTarget(query, facts), expected));
  }
});

describe('statusRewrites', () => {
  it('prefers a single status to a range, then ranges in configuration order', () => {
    const rewrites = parseStatusRewrites({ '500-503': 500, '502-504': 599, '503': 418 });
    assert.equal(rewriteStatus(rewrites, 503), 418);
    assert.equal(rewriteStatus(rewrites, 502), 500);
    assert.equal(rewriteStatus(rewrites, 504), 599);
    assert.equal(rewriteStatus(rewrites, 505), 505);
  });
});
