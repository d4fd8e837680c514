import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headersSchema } from '../../config/dynamic.ts';
import { getHeader } from '../../lib/exchange.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createHeaders } from './headers.ts';

const headers = (config: Record<string, unknown>) => createHeaders(headersSchema.parse(config), testContext());

describe('headers: allowedHosts', () => {
  const cases: { title: string; config: Record<string, unknown>; host: string; extra?: string[]; allowed: boolean }[] = [
    { title: 'admits a listed host', config: { allowedHosts: ['foo.com'] }, host: 'foo.com', allowed: true },
    { title: 'compares case-insensitively', config: { allowedHosts: ['Foo.com'] }, host: 'FOO.com', allowed: true },
    { title: 'compares the host with its port, as Go req.Host', config: { allowedHosts: ['foo.com'] }, host: 'foo.com:8080', allowed: false },
    { title: 'refuses an unlisted host', config: { allowedHosts: ['foo.com'] }, host: 'bar.com', allowed: false },
    { title: 'reads hostsProxyHeaders first', config: { allowedHosts: ['foo.com'], hostsProxyHeaders: ['X-Forwarded-Host'] }, host: 'internal', extra: ['X-Forwarded-Host', 'foo.com'], allowed: true },
    { title: 'skips the check in development', config: { allowedHosts: ['foo.com'], isDevelopment: true }, host: 'bar.com', allowed: true },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const { exchange, next } = await run(headers(c.config), { headers: ['Host', c.host, ...(c.extra ?? [])] });
      if (c.allowed) {
        assert.equal(next.seen.length, 1);
        return;
      }
      assert.equal(next.seen.length, 0);
      assert.equal(exchange.sent.status, 500);
      assert.equal(exchange.sent.body, 'Bad Host\n');
      assert.equal(getHeader(exchange.sent.headers, 'x-content-type-options'), 'nosniff');
    });
  }
});

describe('headers: Strict-Transport-Security', () => {
  const sts = { stsSeconds: 315360000, stsIncludeSubdomains: true, stsPreload: true };
  const full = 'max-age=315360000; includeSubDomains; preload';
  const cases: { title: string; config: Record<string, unknown>; tls?: boolean; extra?: string[]; expected: string | undefined }[] = [
    { title: 'is sent on TLS', config: sts, tls: true, expected: full },
    { title: 'is not sent on plain HTTP', config: sts, expected: undefined },
    { title: 'is sent on plain HTTP with forceSTSHeader', config: { stsSeconds: 60, forceSTSHeader: true }, expected: 'max-age=60' },
    { title: 'follows sslProxyHeaders', config: { ...sts, sslProxyHeaders: { 'X-Forwarded-Proto': 'https' } }, extra: ['X-Forwarded-Proto', 'https'], expected: full },
    { title: 'needs the exact sslProxyHeaders value', config: { ...sts, sslProxyHeaders: { 'X-Forwarded-Proto': 'https' } }, extra: ['X-Forwarded-Proto', 'HTTPS'], expected: undefined },
    { title: 'is not sent in development', config: { ...sts, isDevelopment: true }, tls: true, expected: undefined },
    { title: 'is not sent with stsSeconds 0', config: { stsIncludeSubdomains: true }, tls: true, expected: undefined },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const { exchange } = await run(headers(c.config), { tls: c.tls ?? false, headers: c.extra ?? [] });
      assert.equal(getHeader(exchange.sent.headers, 'strict-transport-security'), c.expected);
    });
  }
});

describe('headers: security response headers', () => {
  const cases: { title: string; config: Record<string, unknown>; tls?: boolean; expected: Record<string, string | undefined> }[] = [
    { title: 'frameDeny sends DENY', config: { frameDeny: true }, expected: { 'x-frame-options': 'DENY' } },
    { title: 'customFrameOptionsValue wins over frameDeny', config: { frameDeny: true, customFrameOptionsValue: 'SAMEORIGIN' }, expected: { 'x-frame-options': 'SAMEORIGIN' } },
    { title: 'contentTypeNosniff', config: { contentTypeNosniff: true }, expected: { 'x-content-type-options': 'nosniff' } },
    { title: 'browserXssFilter', config: { browserXssFilter: true }, expected: { 'x-xss-protection': '1; mode=block' } },
    { title: 'customBrowserXSSValue wins', config: { browserXssFilter: true, customBrowserXSSValue: '0' }, expected: { 'x-xss-protection': '0' } },
    {
      title: 'policies are sent as configured',
      config: { contentSecurityPolicy: "default-src 'self'", contentSecurityPolicyReportOnly: 'script-src none', referrerPolicy: 'no-referrer', permissionsPolicy: 'camera=()' },
      expected: {
        'content-security-policy': "default-src 'self'", 'content-security-policy-report-only': 'script-src none',
        'referrer-policy': 'no-referrer', 'permissions-policy': 'camera=()',
      },
    },
    { title: 'publicKey only on TLS', config: { publicKey: 'pin-sha256="x"' }, expected: { 'public-key-pins': undefined } },
    { title: 'publicKey on TLS', config: { publicKey: 'pin-sha256="x"' }, tls: true, expected: { 'public-key-pins': 'pin-sha256="x"' } },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const { exchange } = await run(headers(c.config), { tls: c.tls ?? false });
      for (const [name, value] of Object.entries(c.expected)) assert.equal(getHeader(exchange.sent.headers, name), value, name);
    });
  }

  it('replaces what the server sent', async () => {
    const { exchange } = await run(headers({ frameDeny: true }), {}, { headers: ['x-frame-options', 'ALLOWALL'] });
    assert.deepEqual(exchange.sent.headers.filter((_, i, all) => i % 2 === 0 && all[i]!.toLowerCase() === 'x-frame-options'), ['X-Frame-Options']);
    assert.equal(getHeader(exchange.sent.headers, 'x-frame-options'), 'DENY');
  });

  it('fills $NONCE with a fresh nonce per response, the same in both policies', async () => {
    const middleware = headers({ contentSecurityPolicy: 'script-src $NONCE', contentSecurityPolicyReportOnly: 'style-src $NONCE' });
    const first = (await run(middleware)).exchange.sent.headers;
    const second = (await run(middleware)).exchange.sent.headers;
    const nonce = /^script-src 'nonce-([A-Za-z0-9+/]{22})'$/.exec(getHeader(first, 'content-security-policy') ?? '')?.[1];
    assert.ok(nonce !== undefined);
    assert.equal(getHeader(first, 'content-security-policy-report-only'), `style-src 'nonce-${nonce}'`);
    assert.notEqual(getHeader(second, 'content-security-policy'), getHeader(first, 'content-security-policy'));
  });
});
