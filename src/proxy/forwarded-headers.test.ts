import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestHead } from '../lib/exchange.ts';
import { createIpRangeSet } from '../lib/ip-range.ts';
import { applyForwardedHeaders, type ForwardedHeadersOptions } from './forwarded-headers.ts';

function head(headers: string[], remoteAddress = '10.0.0.9', tls = false): RequestHead {
  return {
    method: 'GET', path: '/', query: '', headers, httpVersion: '1.1', host: 'app.example', remoteAddress,
    remotePort: 40000, clientIp: remoteAddress, localPort: 80, tls: tls ? { version: 'TLSv1.3', cipher: 'x', serverName: '', alpn: '' } : undefined,
    entryPoint: 'web',
  };
}

function options(trusted: string[] = [], insecure = false): ForwardedHeadersOptions {
  return { insecure, trustedIPs: createIpRangeSet(trusted).set, serverName: 'edge-1', addXForwardedSchemeHeaders: false };
}

function asMap(headers: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < headers.length; i += 2) (out[headers[i]!.toLowerCase()] ??= []).push(headers[i + 1]!);
  return out;
}

const spoof = ['Host', 'app.example', 'X-Forwarded-For', '1.1.1.1', 'X-Real-Ip', '1.1.1.1', 'X_Forwarded_Proto', 'https', 'X-Forwarded-Server', 'fake'];

test('an untrusted peer cannot set forwarded headers, underscore spellings included', () => {
  const req = head([...spoof]);
  applyForwardedHeaders(req, options(), false);
  const h = asMap(req.headers);
  assert.equal(h['x-forwarded-for'], undefined, 'the proxy appends the peer later');
  assert.deepEqual(h['x-real-ip'], ['10.0.0.9']);
  assert.equal(h.x_forwarded_proto, undefined);
  assert.deepEqual(h['x-forwarded-proto'], ['http']);
  assert.deepEqual(h['x-forwarded-port'], ['80']);
  assert.deepEqual(h['x-forwarded-host'], ['app.example']);
  assert.deepEqual(h['x-forwarded-server'], ['edge-1']);
});

test('a trusted peer keeps its headers; several X-Forwarded-For lines fold into one', () => {
  const req = head([...spoof, 'X-Forwarded-For', '2.2.2.2'], '10.0.0.9');
  applyForwardedHeaders(req, options(['10.0.0.0/8']), false);
  const h = asMap(req.headers);
  assert.deepEqual(h['x-forwarded-for'], ['1.1.1.1, 2.2.2.2']);
  assert.deepEqual(h['x-real-ip'], ['1.1.1.1']);
  assert.deepEqual(h.x_forwarded_proto, ['https']);
  assert.deepEqual(h['x-forwarded-server'], ['edge-1'], 'always overwritten');
});

test('proto and port follow TLS, WebSocket and the Host header port', () => {
  const cases: [boolean, boolean, string, string, string][] = [
    [false, false, 'a.example', 'http', '80'],
    [true, false, 'a.example', 'https', '443'],
    [false, true, 'a.example', 'ws', '80'],
    [true, true, 'a.example:8443', 'wss', '8443'],
  ];
  for (const [tls, ws, host, proto, port] of cases) {
    const req = head(['Host', host], '10.0.0.9', tls);
    applyForwardedHeaders(req, options(), ws);
    const h = asMap(req.headers);
    assert.deepEqual([h['x-forwarded-proto']?.[0], h['x-forwarded-port']?.[0]], [proto, port], `${tls} ${ws} ${host}`);
  }
});

test('insecure trusts every peer', () => {
  const req = head([...spoof]);
  applyForwardedHeaders(req, options([], true), false);
  assert.deepEqual(asMap(req.headers)['x-forwarded-for'], ['1.1.1.1']);
});

test('the client IP for affinity: the peer, or from a trusted peer the nearest untrusted X-Forwarded-For address', () => {
  const untrusted = head(['Host', 'a', 'X-Forwarded-For', '1.1.1.1'], '10.0.0.9');
  applyForwardedHeaders(untrusted, options(), false);
  assert.equal(untrusted.clientIp, '10.0.0.9', 'an untrusted peer cannot choose its client IP');

  const chain = head(['Host', 'a', 'X-Forwarded-For', '6.6.6.6, 1.1.1.1, 10.0.0.5'], '10.0.0.9');
  applyForwardedHeaders(chain, options(['10.0.0.0/8']), false);
  assert.equal(chain.clientIp, '1.1.1.1', 'trusted hops are skipped; a spoofed leftmost entry is not believed');

  const allTrusted = head(['Host', 'a', 'X-Forwarded-For', '10.0.0.7, 10.0.0.5'], '10.0.0.9');
  applyForwardedHeaders(allTrusted, options(['10.0.0.0/8']), false);
  assert.equal(allTrusted.clientIp, '10.0.0.7');

  const insecure = head(['Host', 'a', 'X-Forwarded-For', '1.1.1.1, 2.2.2.2'], '10.0.0.9');
  applyForwardedHeaders(insecure, options([], true), false);
  assert.equal(insecure.clientIp, '1.1.1.1');

  const none = head(['Host', 'a'], '10.0.0.9');
  applyForwardedHeaders(none, options(['10.0.0.0/8']), false);
  assert.equal(none.clientIp, '10.0.0.9');
});
