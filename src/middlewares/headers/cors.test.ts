import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headersSchema } from '../../config/dynamic.ts';
import { getHeader } from '../../lib/exchange.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createHeaders } from './headers.ts';

const headers = (config: Record<string, unknown>) => createHeaders(headersSchema.parse(config), testContext());

const preflight = (origin: string, extra: string[] = []): { method: string; headers: string[] } => ({
  method: 'OPTIONS',
  headers: ['Origin', origin, 'Access-Control-Request-Method', 'PUT', 'Access-Control-Request-Headers', 'X-Token,Content-Type', ...extra],
});

interface PreflightCase {
  readonly title: string;
  readonly config: Record<string, unknown>;
  readonly origin: string;
  /** Expected response headers (lower-case name → value, or undefined for absent). */
  readonly expected: Readonly<Record<string, string | undefined>>;
}

const preflightCases: PreflightCase[] = [
  {
    title: 'answers a simple preflight',
    config: { accessControlAllowMethods: ['GET', 'OPTIONS', 'PUT'], accessControlAllowOriginList: ['https://foo.bar.org'], accessControlMaxAge: 600 },
    origin: 'https://foo.bar.org',
    expected: {
      'access-control-allow-origin': 'https://foo.bar.org', 'access-control-allow-methods': 'GET,OPTIONS,PUT',
      'access-control-max-age': '600', 'access-control-allow-credentials': undefined, 'content-length': '0',
    },
  },
  {
    title: 'sends * for a wildcard origin list',
    config: { accessControlAllowOriginList: ['*'], accessControlAllowHeaders: ['origin', 'X-Token'] },
    origin: 'https://any.org',
    expected: { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'origin,X-Token', 'access-control-max-age': undefined },
  },
  {
    title: 'echoes origin, headers and method instead of * with credentials',
    config: { accessControlAllowCredentials: true, accessControlAllowOriginList: ['*'], accessControlAllowHeaders: ['*'], accessControlAllowMethods: ['*'] },
    origin: 'https://any.org',
    expected: {
      'access-control-allow-origin': 'https://any.org', 'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'X-Token,Content-Type', 'access-control-allow-methods': 'PUT',
    },
  },
  {
    title: 'omits the origin it does not allow',
    config: { accessControlAllowOriginList: ['https://good.org'], accessControlAllowMethods: ['GET'] },
    origin: 'https://evil.org',
    expected: { 'access-control-allow-origin': undefined, 'access-control-allow-methods': 'GET' },
  },
  {
    title: 'matches origin regexes unanchored, as Go MatchString does',
    config: { accessControlAllowOriginListRegex: [String.raw`https://.*\.example\.com`] },
    origin: 'https://api.example.com.evil.org',
    expected: { 'access-control-allow-origin': 'https://api.example.com.evil.org' },
  },
  {
    title: 'sends expose headers, except * with credentials',
    config: { accessControlAllowCredentials: true, accessControlExposeHeaders: ['*', 'X-Id'] },
    origin: 'https://a.org',
    expected: { 'access-control-expose-headers': undefined, 'access-control-allow-credentials': 'true' },
  },
];

describe('headers: CORS preflight', () => {
  for (const c of preflightCases) {
    it(c.title, async () => {
      const { exchange, next } = await run(headers(c.config), preflight(c.origin));
      assert.equal(next.seen.length, 0);
      assert.equal(exchange.sent.status, 200);
      assert.equal(exchange.sent.body, '');
      assert.equal(exchange.sent.ended, true);
      for (const [name, value] of Object.entries(c.expected)) assert.equal(getHeader(exchange.sent.headers, name), value, name);
    });
  }

  it('does not add custom response headers to a preflight', async () => {
    const { exchange } = await run(headers({ accessControlAllowOriginList: ['*'], customResponseHeaders: { 'X-Custom': 'x' } }), preflight('https://a.org'));
    assert.equal(getHeader(exchange.sent.headers, 'x-custom'), undefined);
  });

  const notPreflights: [string, { method: string; headers: string[] }][] = [
    ['an OPTIONS without Access-Control-Request-Method', { method: 'OPTIONS', headers: ['Origin', 'https://a.org'] }],
    ['an OPTIONS without Origin', { method: 'OPTIONS', headers: ['Access-Control-Request-Method', 'GET'] }],
    ['a GET with both headers', { method: 'GET', headers: ['Origin', 'https://a.org', 'Access-Control-Request-Method', 'GET'] }],
  ];
  for (const [title, request] of notPreflights) {
    it(`passes ${title} to the server`, async () => {
      const { next } = await run(headers({ accessControlAllowOriginList: ['*'] }), request);
      assert.equal(next.seen.length, 1);
    });
  }
});

describe('headers: CORS on responses', () => {
  const cases: { title: string; config: Record<string, unknown>; origin?: string; vary?: string; expected: Record<string, string | undefined> }[] = [
    { title: 'allows a listed origin', config: { accessControlAllowOriginList: ['https://a.org'] }, origin: 'https://a.org', expected: { 'access-control-allow-origin': 'https://a.org' } },
    { title: 'omits an unlisted origin', config: { accessControlAllowOriginList: ['https://a.org'] }, origin: 'https://b.org', expected: { 'access-control-allow-origin': undefined } },
    { title: 'sends * even without an Origin', config: { accessControlAllowOriginList: ['*'] }, expected: { 'access-control-allow-origin': '*' } },
    { title: 'sends credentials on every response', config: { accessControlAllowCredentials: true }, expected: { 'access-control-allow-credentials': 'true' } },
    { title: 'joins expose headers with commas', config: { accessControlExposeHeaders: ['X-A', 'X-B'] }, expected: { 'access-control-expose-headers': 'X-A,X-B' } },
    { title: 'adds Vary: Origin', config: { addVaryHeader: true }, expected: { vary: 'Origin' } },
    { title: 'appends Origin to the server Vary', config: { addVaryHeader: true }, vary: 'Accept-Encoding', expected: { vary: 'Accept-Encoding,Origin' } },
    { title: 'keeps a Vary that is already Origin', config: { addVaryHeader: true }, vary: 'Origin', expected: { vary: 'Origin' } },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const { exchange, next } = await run(
        headers(c.config),
        { headers: c.origin === undefined ? [] : ['Origin', c.origin] },
        { headers: c.vary === undefined ? [] : ['Vary', c.vary] },
      );
      assert.equal(next.seen.length, 1);
      for (const [name, value] of Object.entries(c.expected)) assert.equal(getHeader(exchange.sent.headers, name), value, name);
    });
  }
});
