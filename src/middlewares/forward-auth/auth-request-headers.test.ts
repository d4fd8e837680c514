import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getHeader, getHeaderValues } from '../../lib/exchange.ts';
import { fakeExchange, type FakeRequest } from '../testing/fake-exchange.ts';
import { authRequestHeaderOptions, authRequestHeaders } from './auth-request-headers.ts';

function built(request: FakeRequest, trust = false, allowed: readonly string[] = []): string[] {
  return authRequestHeaders(fakeExchange(request).request, authRequestHeaderOptions(trust, allowed));
}

const spoofing = [
  'Host', 'app.example:8443',
  'X-Forwarded-For', '203.0.113.7',
  'X-Forwarded-Method', 'DELETE',
  'X-Forwarded-Proto', 'https',
  'X-Forwarded-Host', 'evil.example',
  'X-Forwarded-Uri', '/evil',
  'X-Forwarded-Port', '8443',
];

describe('forwardAuth request headers', () => {
  const cases: ReadonlyArray<{ title: string; request: FakeRequest; trust?: boolean; expected: Record<string, string | undefined> }> = [
    {
      title: 'sets X-Forwarded-* from the request itself',
      request: { method: 'POST', target: '/api/x?a=1', headers: ['Host', 'app.example:8080'], remoteAddress: '192.0.2.10' },
      expected: {
        'x-forwarded-for': '192.0.2.10', 'x-forwarded-method': 'POST', 'x-forwarded-proto': 'http',
        'x-forwarded-host': 'app.example:8080', 'x-forwarded-uri': '/api/x?a=1',
      },
    },
    {
      title: 'says https for a TLS request',
      request: { tls: true },
      expected: { 'x-forwarded-proto': 'https' },
    },
    {
      title: 'overwrites forwarded headers the client sent without trustForwardHeader',
      request: { method: 'GET', target: '/real', headers: spoofing },
      expected: {
        'x-forwarded-for': '192.0.2.10', 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'http',
        'x-forwarded-host': 'app.example:8443', 'x-forwarded-uri': '/real',
        // Not one Traefik sets: the copy of the request's value stays.
        'x-forwarded-port': '8443',
      },
    },
    {
      title: 'keeps forwarded headers the request carries with trustForwardHeader',
      request: { method: 'GET', target: '/real', headers: spoofing },
      trust: true,
      expected: {
        'x-forwarded-for': '203.0.113.7, 192.0.2.10', 'x-forwarded-method': 'DELETE', 'x-forwarded-proto': 'https',
        'x-forwarded-host': 'evil.example', 'x-forwarded-uri': '/evil', 'x-forwarded-port': '8443',
      },
    },
    {
      title: 'drops hop-by-hop headers and those Connection names, keeps Proxy-Authorization',
      request: { headers: ['Connection', 'keep-alive, X-Secret', 'Keep-Alive', 'timeout=5', 'X-Secret', 's', 'TE', 'trailers', 'Upgrade', 'h2c', 'Proxy-Authorization', 'Basic eA==', 'Content-Length', '3', 'Cookie', 'a=1'] },
      expected: {
        connection: undefined, 'keep-alive': undefined, 'x-secret': undefined, te: undefined, upgrade: undefined,
        'content-length': undefined, host: undefined, 'proxy-authorization': 'Basic eA==', cookie: 'a=1',
      },
    },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const headers = built(c.request, c.trust ?? false);
      for (const [name, value] of Object.entries(c.expected)) assert.equal(getHeader(headers, name), value, name);
    });
  }

  it('copies only authRequestHeaders, then still sets X-Forwarded-*', () => {
    const headers = built({ headers: ['Authorization', 'Bearer t', 'Cookie', 'a=1', 'Accept', 'a', 'Accept', 'b'] }, false, ['authorization', 'Accept']);
    assert.equal(getHeader(headers, 'authorization'), 'Bearer t');
    assert.deepEqual(getHeaderValues(headers, 'accept'), ['a', 'b']);
    assert.equal(getHeader(headers, 'cookie'), undefined);
    assert.equal(getHeader(headers, 'x-forwarded-for'), '192.0.2.10');
    assert.equal(getHeader(headers, 'x-forwarded-method'), 'GET');
  });

  it('sends one X-Forwarded-For line however many the request had', () => {
    const headers = built({ headers: ['X-Forwarded-For', '198.51.100.1', 'X-Forwarded-For', '198.51.100.2'] }, true);
    assert.deepEqual(getHeaderValues(headers, 'x-forwarded-for'), ['198.51.100.1, 198.51.100.2, 192.0.2.10']);
  });
});
