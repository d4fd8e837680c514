import { test } from 'node:test';
import assert from 'node:assert/strict';
import { methodLabel, requestProtocol, tlsCipherLabel, tlsVersionLabel } from './request-labels.ts';

test('known methods are their own label; anything else is EXTENSION_METHOD', () => {
  for (const m of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'PRI']) assert.equal(methodLabel(m), m);
  for (const m of ['get', 'PROPFIND', 'PURGE', 'X'.repeat(100)]) assert.equal(methodLabel(m), 'EXTENSION_METHOD');
});

test('the protocol label comes from the request headers, in Traefik\'s order', () => {
  const cases: [string[], string][] = [
    [[], 'http'],
    [['Connection', 'keep-alive, Upgrade', 'Upgrade', 'WebSocket'], 'websocket'],
    [['Upgrade', 'websocket'], 'http'], // no Connection: upgrade
    [['Connection', 'upgrade', 'Upgrade', 'h2c'], 'http'],
    [['Accept', 'text/html, text/event-stream'], 'sse'],
    [['Accept', 'text/event-stream;q=1'], 'http'], // Traefik compares whole items
    [['Content-Type', 'application/grpc'], 'grpc'],
    [['Content-Type', 'application/grpc+proto'], 'grpc'],
    [['Content-Type', 'application/grpc-web+proto'], 'grpc-web'],
    [['Content-Type', 'application/json'], 'http'],
    // A WebSocket handshake wins over an event-stream Accept.
    [['Accept', 'text/event-stream', 'Connection', 'Upgrade', 'Upgrade', 'websocket'], 'websocket'],
  ];
  for (const [headers, want] of cases) assert.equal(requestProtocol(headers), want, JSON.stringify(headers));
});

test('TLS versions and ciphers get Traefik\'s names', () => {
  assert.deepEqual(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3', 'SSLv3'].map(tlsVersionLabel), ['1.0', '1.1', '1.2', '1.3', 'unknown']);
  assert.equal(tlsCipherLabel('TLS_AES_128_GCM_SHA256'), 'TLS_AES_128_GCM_SHA256');
  assert.equal(tlsCipherLabel('ECDHE-RSA-AES128-GCM-SHA256'), 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  assert.equal(tlsCipherLabel('ECDHE-ECDSA-CHACHA20-POLY1305'), 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256');
  assert.equal(tlsCipherLabel('CAMELLIA256-SHA'), 'unknown');
});
