import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redirectSchemeSchema } from '../../config/dynamic.ts';
import { getHeader } from '../../lib/exchange.ts';
import { run, testContext } from '../testing/test-context.ts';
import { createRedirectScheme } from './redirect-scheme.ts';

interface Case {
  readonly title: string;
  readonly config: Record<string, unknown>;
  readonly method?: string;
  readonly target?: string;
  readonly host: string;
  readonly tls?: boolean;
  readonly headers?: readonly string[];
  /** [status, Location], or null when the request passes through. */
  readonly expected: readonly [number, string] | null;
}

const cases: Case[] = [
  { title: 'redirects http to https', config: { scheme: 'https' }, host: 'foo', expected: [302, 'https://foo/'] },
  { title: 'keeps path and query', config: { scheme: 'https' }, host: 'foo', target: '/a/b?c=1', expected: [302, 'https://foo/a/b?c=1'] },
  { title: 'adds the target port', config: { scheme: 'https', port: '8443' }, host: 'foo', expected: [302, 'https://foo:8443/'] },
  { title: 'drops the request port', config: { scheme: 'https' }, host: 'foo:8080', expected: [302, 'https://foo/'] },
  { title: 'omits the default port of the target scheme', config: { scheme: 'https', port: '443' }, host: 'foo:8000', expected: [302, 'https://foo/'] },
  { title: 'redirects https to http', config: { scheme: 'http', port: '80' }, host: 'foo', tls: true, expected: [302, 'http://foo/'] },
  { title: 'passes a TLS request already on https', config: { scheme: 'https' }, host: 'foo', tls: true, expected: null },
  { title: 'passes a TLS request on the default port', config: { scheme: 'https' }, host: 'foo:443', tls: true, expected: null },
  { title: 'redirects a TLS request on another port', config: { scheme: 'https' }, host: 'foo:8443', tls: true, expected: [302, 'https://foo/'] },
  { title: 'passes X-Forwarded-Proto https', config: { scheme: 'https' }, host: 'foo', headers: ['X-Forwarded-Proto', 'https'], expected: null },
  { title: 'reads X-Forwarded-Proto wss as https', config: { scheme: 'https' }, host: 'foo', headers: ['X-Forwarded-Proto', 'WSS'], expected: null },
  { title: 'lets X-Forwarded-Proto http win over TLS', config: { scheme: 'https' }, host: 'foo', tls: true, headers: ['X-Forwarded-Proto', 'http'], expected: [302, 'https://foo/'] },
  { title: 'ignores an unknown X-Forwarded-Proto', config: { scheme: 'https' }, host: 'foo', tls: true, headers: ['X-Forwarded-Proto', 'gopher'], expected: null },
  { title: 'answers 301 to a permanent GET', config: { scheme: 'https', permanent: true }, host: 'foo', expected: [301, 'https://foo/'] },
  { title: 'answers 307 to a POST', config: { scheme: 'https' }, method: 'POST', host: 'foo', expected: [307, 'https://foo/'] },
  { title: 'answers 308 to a permanent POST', config: { scheme: 'https', permanent: true }, method: 'POST', host: 'foo', expected: [308, 'https://foo/'] },
  { title: 'answers 307 to a HEAD (only GET gets 302)', config: { scheme: 'https' }, method: 'HEAD', host: 'foo', expected: [307, 'https://foo/'] },
  { title: 'keeps a bracketed IPv6 host', config: { scheme: 'https' }, host: '[::1]', expected: [302, 'https://[::1]/'] },
];

const statusText: Record<number, string> = { 301: 'Moved Permanently', 302: 'Found', 307: 'Temporary Redirect', 308: 'Permanent Redirect' };

describe('redirectScheme', () => {
  for (const c of cases) {
    it(c.title, async () => {
      const middleware = createRedirectScheme(redirectSchemeSchema.parse(c.config), testContext());
      const { exchange, next } = await run(middleware, {
        method: c.method ?? 'GET', target: c.target ?? '/', tls: c.tls ?? false, headers: ['Host', c.host, ...(c.headers ?? [])],
      });
      if (c.expected === null) {
        assert.equal(next.seen.length, 1);
        assert.equal(exchange.sent.status, 200);
        return;
      }
      const [status, location] = c.expected;
      assert.equal(next.seen.length, 0);
      assert.equal(exchange.sent.status, status);
      assert.equal(getHeader(exchange.sent.headers, 'location'), location);
      assert.equal(getHeader(exchange.sent.headers, 'content-type'), undefined);
      assert.equal(getHeader(exchange.sent.headers, 'content-length'), String(statusText[status]!.length));
      assert.equal(exchange.sent.body, c.method === 'HEAD' ? '' : statusText[status]);
      assert.equal(exchange.sent.ended, true);
    });
  }
});
