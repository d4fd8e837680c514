import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCa } from '../../test/support/certs.ts';
import { httpServersTransportSchema } from '../config/http-servers-transports.ts';
import { staticServersTransportSchema } from '../config/static-transports.ts';
import { resolveServersTransport, transportProblems, unusableTransport, type TransportResolution } from './servers-transport.ts';

const ca = createTestCa();
const client = ca.issue({ commonName: 'client', client: true });
const other = ca.issue({ commonName: 'other', client: true });
const dir = mkdtempSync(join(tmpdir(), 'switchyard-transport-'));
const notPem = join(dir, 'not-a-cert.pem');
writeFileSync(notPem, 'hello\n');

/** Resolves a dynamic transport written as a user writes it. */
function dynamic(config: object): TransportResolution {
  return resolveServersTransport('t@file', httpServersTransportSchema.parse(config));
}

function problems(r: TransportResolution): string[] {
  return r.ok ? [] : r.problems.map((p) => `${p.code} ${p.field}`);
}

test('reads rootCAs and client certificates from files or inline PEM, and keeps every setting', () => {
  const r = dynamic({
    serverName: 'api.internal',
    rootCAs: [ca.certFile, ca.cert],
    certificates: [{ certFile: client.certFile, keyFile: client.key }],
    peerCertURI: 'spiffe://example.org/api',
    disableHTTP2: true,
    maxIdleConnsPerHost: -1,
    cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256'],
    minVersion: 'VersionTLS12',
    maxVersion: 'VersionTLS12',
    forwardingTimeouts: { dialTimeout: '5s', responseHeaderTimeout: '2s', idleConnTimeout: '1m', readIdleTimeout: '10s', pingTimeout: '3s' },
  });
  assert.ok(r.ok, JSON.stringify(problems(r)));
  const s = r.settings;
  assert.deepEqual(s.rootCAs, [ca.cert, ca.cert]);
  assert.deepEqual(s.certificates, [{ cert: client.cert, key: client.key }]);
  assert.deepEqual([s.name, s.serverName, s.peerCertURI, s.disableHTTP2, s.maxIdleConnsPerHost], ['t@file', 'api.internal', 'spiffe://example.org/api', true, -1]);
  assert.deepEqual([s.dialTimeoutMs, s.responseHeaderTimeoutMs, s.idleConnTimeoutMs, s.readIdleTimeoutMs, s.pingTimeoutMs], [5000, 2000, 60_000, 10_000, 3000]);
  assert.equal(s.ciphers, 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256');
  assert.deepEqual([s.minVersion, s.maxVersion], ['TLSv1.2', 'TLSv1.2']);
});

test('defaults are Traefik\'s: 30s dial, no header timeout, 90s idle, no pings, 200 idle connections', () => {
  const r = dynamic({});
  assert.ok(r.ok);
  const s = r.settings;
  assert.deepEqual([s.dialTimeoutMs, s.responseHeaderTimeoutMs, s.idleConnTimeoutMs, s.readIdleTimeoutMs, s.pingTimeoutMs, s.maxIdleConnsPerHost],
    [30_000, 0, 90_000, 0, 15_000, 200]);
  assert.deepEqual([s.insecureSkipVerify, s.disableHTTP2, s.serverName, s.peerCertURI, s.ciphers], [false, false, '', '', '']);
});

test('each unusable field is a problem naming it; nothing is silently dropped', () => {
  const cases: { config: object; want: string[] }[] = [
    { config: { rootCAs: [join(dir, 'missing.pem')] }, want: ['SERVERS_TRANSPORT_FILE_UNREADABLE rootCAs[0]'] },
    { config: { rootCAs: [ca.cert, notPem] }, want: ['SERVERS_TRANSPORT_INVALID_CERTIFICATE rootCAs[1]'] },
    { config: { rootCAs: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'] }, want: ['SERVERS_TRANSPORT_INVALID_CERTIFICATE rootCAs[0]'] },
    { config: { certificates: [{ certFile: client.certFile, keyFile: other.keyFile }] }, want: ['SERVERS_TRANSPORT_INVALID_CERTIFICATE certificates[0]'] },
    { config: { certificates: [{ certFile: client.certFile, keyFile: notPem }] }, want: ['SERVERS_TRANSPORT_INVALID_CERTIFICATE certificates[0].keyFile'] },
    { config: { certificates: [{ certFile: notPem, keyFile: client.keyFile }] }, want: ['SERVERS_TRANSPORT_INVALID_CERTIFICATE certificates[0].certFile'] },
    { config: { spiffe: { ids: ['spiffe://example.org/api'] } }, want: ['SERVERS_TRANSPORT_SPIFFE_UNSUPPORTED spiffe'] },
    { config: { peerCertSANs: ['api.internal'] }, want: ['SERVERS_TRANSPORT_NOT_IMPLEMENTED peerCertSANs'] },
    { config: { cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_NOPE'] }, want: ['SERVERS_TRANSPORT_INVALID_VALUE cipherSuites[1]'] },
    { config: { minVersion: 'TLS12' }, want: ['SERVERS_TRANSPORT_INVALID_VALUE minVersion'] },
    { config: { minVersion: 'VersionTLS13', maxVersion: 'VersionTLS12' }, want: ['SERVERS_TRANSPORT_INVALID_VALUE maxVersion'] },
  ];
  for (const c of cases) assert.deepEqual(problems(dynamic(c.config)), c.want, JSON.stringify(c.config));
  const spiffe = dynamic({ spiffe: {} });
  assert.match(spiffe.ok ? '' : spiffe.problems[0]!.message, /no SPIFFE client/);
});

test('the static serversTransport resolves the same way, as default@internal', () => {
  const ok = resolveServersTransport('default@internal', staticServersTransportSchema.parse({ insecureSkipVerify: true, rootCAs: [ca.certFile] }));
  assert.ok(ok.ok);
  assert.deepEqual([ok.settings.name, ok.settings.insecureSkipVerify, ok.settings.rootCAs, ok.settings.maxIdleConnsPerHost], ['default@internal', true, [ca.cert], 200]);
  const bad = resolveServersTransport('default@internal', staticServersTransportSchema.parse({ rootCAs: [join(dir, 'missing.pem')] }));
  assert.deepEqual(problems(bad), ['SERVERS_TRANSPORT_FILE_UNREADABLE rootCAs[0]']);
});

test('an unusable transport carries its problems for the one who asks for it', () => {
  const problem = { code: 'SERVERS_TRANSPORT_SPIFFE_UNSUPPORTED', field: 'spiffe', message: 'no' } as const;
  const t = unusableTransport('default@internal', [problem]);
  assert.deepEqual(transportProblems(t), [problem]);
  const r = dynamic({});
  assert.ok(r.ok);
  assert.equal(transportProblems(r.settings), undefined);
});
