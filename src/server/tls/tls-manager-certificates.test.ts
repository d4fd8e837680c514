import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TlsConfig, TlsOptionsConfig } from '../../config/tls.ts';
import { tlsOptionsSchema } from '../../config/tls.ts';
import { createTestCa, type TestCert } from '../../../test/support/certs.ts';
import { createGeneratedCertificateSource, GENERATED_CERTIFICATE_COMMON_NAME } from './generated-certificate.ts';
import { createTlsManager, type TlsManagerInput } from './tls-manager.ts';
import { connectTls, dnsNames, startTlsTestServer, type TlsTestServer } from './testing/tls-test-server.ts';

const ca = createTestCa();
const certs = {
  a: ca.issue({ dns: ['a.example.com'] }),
  b: ca.issue({ dns: ['b.example.com'] }),
  wildcard: ca.issue({ dns: ['*.example.com'] }),
  fallback: ca.issue({ dns: ['fallback.example.org'] }),
  ip: ca.issue({ commonName: 'loopback', ips: ['127.0.0.1'] }),
  acme: ca.issue({ dns: ['shop.example.net', 'www.shop.example.net'] }),
  challenge: ca.issue({ dns: ['shop.example.net'] }),
};
const generatedCertificate = createGeneratedCertificateSource();

function tlsConfig(partial: Partial<TlsConfig>): TlsConfig {
  return { certificates: [], options: {}, stores: {}, ...partial };
}

const pair = (cert: TestCert) => ({ certFile: cert.certFile, keyFile: cert.keyFile });
const options = (raw: Record<string, unknown>): TlsOptionsConfig => tlsOptionsSchema.parse(raw);

/** Starts a server for `input` on entry point `websecure`, runs `fn`, closes it. */
async function withServer(input: Omit<TlsManagerInput, 'generatedCertificate' | 'httpRouters'> & Partial<Pick<TlsManagerInput, 'httpRouters'>>, fn: (server: TlsTestServer) => Promise<void>): Promise<void> {
  const manager = createTlsManager({ httpRouters: [], generatedCertificate, ...input });
  const entryPoint = manager.entryPoint('websecure');
  const server = await startTlsTestServer((name, hello) => entryPoint.forServerName(name, hello));
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

describe('the certificate chosen by SNI', () => {
  const config = tlsConfig({ certificates: [pair(certs.a), pair(certs.b), pair(certs.wildcard)] });

  test('picks the certificate naming the server name among several', () => withServer({ tls: config }, async ({ port }) => {
    assert.deepEqual(dnsNames((await connectTls(port, { servername: 'a.example.com' })).certificate), ['a.example.com']);
    assert.deepEqual(dnsNames((await connectTls(port, { servername: 'b.example.com' })).certificate), ['b.example.com']);
    assert.deepEqual(dnsNames((await connectTls(port, { servername: 'B.Example.COM' })).certificate), ['b.example.com'], 'case-insensitive');
  }));

  test('a wildcard certificate covers exactly one label, and an exact name beats it', () => withServer({ tls: config }, async ({ port }) => {
    assert.deepEqual(dnsNames((await connectTls(port, { servername: 'c.example.com' })).certificate), ['*.example.com']);
    assert.deepEqual(dnsNames((await connectTls(port, { servername: 'a.example.com' })).certificate), ['a.example.com']);
    for (const name of ['x.c.example.com', 'example.com']) {
      const { certificate } = await connectTls(port, { servername: name });
      assert.equal(certificate?.subject.CN, GENERATED_CERTIFICATE_COMMON_NAME, name);
    }
  }));

  test('the default store\'s defaultCertificate answers the names no certificate covers', () => withServer({
    tls: tlsConfig({ certificates: [pair(certs.a)], stores: { default: { defaultCertificate: pair(certs.fallback) } } }),
  }, async ({ port }) => {
    assert.deepEqual(dnsNames((await connectTls(port, { servername: 'unknown.example.com' })).certificate), ['fallback.example.org']);
    assert.deepEqual(dnsNames((await connectTls(port, { servername: 'a.example.com' })).certificate), ['a.example.com']);
  }));

  test('without any certificate, the generated default certificate answers', () => withServer({ tls: tlsConfig({}) }, async ({ port }) => {
    const { certificate, answer } = await connectTls(port, { servername: 'anything.example.com' });
    assert.equal(certificate?.subject.CN, GENERATED_CERTIFICATE_COMMON_NAME);
    assert.match(dnsNames(certificate)[0] ?? '', /^[0-9a-f]{32}\.[0-9a-f]{32}\.switchyard\.default$/);
    assert.equal(answer?.options, 'default');
  }));

  test('without SNI, a certificate for the local IP address answers', () => withServer({
    tls: tlsConfig({ certificates: [pair(certs.a), pair(certs.ip)] }),
  }, async ({ port }) => {
    const { certificate } = await connectTls(port, { servername: '' });
    assert.equal(certificate?.subject.CN, 'loopback');
  }));

  test('sniStrict refuses the handshake for a name no certificate covers, and serves the others', () => withServer({
    tls: tlsConfig({ certificates: [pair(certs.a)], options: { default: options({ sniStrict: true }) } }),
  }, async (server) => {
    const refused = await connectTls(server.port, { servername: 'unknown.example.com' });
    assert.equal(refused.certificate, undefined);
    assert.ok(refused.error, 'the client sees the connection fail');
    assert.equal(server.events.at(-1)?.decision.refusal, 'sniStrict');
    assert.deepEqual(dnsNames((await connectTls(server.port, { servername: 'a.example.com' })).certificate), ['a.example.com']);
  }));

  test('inline PEM content works like files', () => withServer({
    tls: tlsConfig({
      certificates: [{ certFile: certs.a.cert, keyFile: certs.a.key }],
      stores: { default: { defaultCertificate: { certFile: certs.fallback.cert, keyFile: certs.fallback.key } } },
    }),
  }, async ({ port }) => {
    assert.deepEqual(dnsNames((await connectTls(port, { servername: 'a.example.com' })).certificate), ['a.example.com']);
    assert.deepEqual(dnsNames((await connectTls(port, { servername: 'other.example.com' })).certificate), ['fallback.example.org']);
  }));
});

describe('certificates that cannot be used', () => {
  let dir: string;
  before(() => {
    dir = ca.certFile.slice(0, ca.certFile.lastIndexOf('/'));
    writeFileSync(join(dir, 'garbage.pem'), 'not a certificate\n');
  });

  test('are skipped with a diagnostic naming the field, and the others still serve', async () => {
    const tls = tlsConfig({
      certificates: [
        { certFile: certs.a.certFile, keyFile: certs.b.keyFile },
        { certFile: join(dir, 'missing.crt'), keyFile: certs.a.keyFile },
        { certFile: join(dir, 'garbage.pem'), keyFile: certs.a.keyFile },
        { certFile: certs.b.certFile, keyFile: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n' },
        pair(certs.wildcard),
      ],
    });
    const manager = createTlsManager({ tls, httpRouters: [], generatedCertificate });
    assert.deepEqual(manager.diagnostics.map((d) => [d.severity, d.code, d.path]), [
      ['error', 'TLS_KEY_MISMATCH', 'tls.certificates[0].keyFile'],
      ['error', 'TLS_CERTIFICATE_UNREADABLE', 'tls.certificates[1].certFile'],
      ['error', 'TLS_CERTIFICATE_INVALID', 'tls.certificates[2].certFile'],
      ['error', 'TLS_KEY_INVALID', 'tls.certificates[3].keyFile'],
    ]);
    assert.ok(!manager.diagnostics.some((d) => d.message.includes('nope')), 'inline key content never appears in messages');
    await withServer({ tls }, async ({ port }) => {
      assert.deepEqual(dnsNames((await connectTls(port, { servername: 'a.example.com' })).certificate), ['*.example.com']);
    });
  });

  test('a defaultCertificate that cannot be read falls back to the generated one, with an error', async () => {
    const tls = tlsConfig({ stores: { default: { defaultCertificate: { certFile: join(dir, 'missing.crt'), keyFile: certs.a.keyFile } } } });
    const manager = createTlsManager({ tls, httpRouters: [], generatedCertificate });
    assert.deepEqual(manager.diagnostics.map((d) => [d.code, d.path]), [['TLS_CERTIFICATE_UNREADABLE', 'tls.stores.default.defaultCertificate.certFile']]);
    assert.equal(manager.certificates().default.source, 'generated');
  });

  test('certificates in stores other than default are not served, with a warning', () => {
    const manager = createTlsManager({
      tls: tlsConfig({ certificates: [{ ...pair(certs.a), stores: ['other'] }], stores: { 'other@file': {} } }),
      httpRouters: [], generatedCertificate,
    });
    assert.deepEqual(manager.diagnostics.map((d) => [d.code, d.path]), [
      ['TLS_STORE_IGNORED', 'tls.certificates[0].stores[0]'],
      ['TLS_STORE_IGNORED', 'tls.stores.other'],
    ]);
    assert.equal(manager.certificates().store.length, 0);
  });
});

describe('extra (ACME) certificates', () => {
  test('are served for their names', () => withServer({
    tls: tlsConfig({ certificates: [pair(certs.a)] }),
    extraCertificates: [{ domains: ['shop.example.net', 'www.shop.example.net'], certPem: certs.acme.cert, keyPem: certs.acme.key }],
  }, async ({ port }) => {
    assert.deepEqual(dnsNames((await connectTls(port, { servername: 'www.shop.example.net' })).certificate), ['shop.example.net', 'www.shop.example.net']);
    assert.deepEqual(dnsNames((await connectTls(port, { servername: 'a.example.com' })).certificate), ['a.example.com']);
  }));

  test('one covering defaultGeneratedCert.domain becomes the default certificate', () => withServer({
    tls: tlsConfig({ stores: { default: { defaultGeneratedCert: { resolver: 'le', domain: { main: 'shop.example.net', sans: ['www.shop.example.net'] } } } } }),
    extraCertificates: [{ domains: ['shop.example.net'], certPem: certs.acme.cert, keyPem: certs.acme.key }],
  }, async ({ port }) => {
    assert.deepEqual(dnsNames((await connectTls(port, { servername: 'elsewhere.example.com' })).certificate), ['shop.example.net', 'www.shop.example.net']);
  }));

  test('a TLS-ALPN-01 challenge gets the acme-tls/1 certificate and is closed after the handshake', () => withServer({
    tls: tlsConfig({ certificates: [pair(certs.a)] }),
    extraCertificates: [
      { domains: ['shop.example.net'], certPem: certs.acme.cert, keyPem: certs.acme.key },
      { domains: ['shop.example.net'], certPem: certs.challenge.cert, keyPem: certs.challenge.key, stores: ['acme-tls/1'] },
    ],
  }, async (server) => {
    const answered = await connectTls(server.port, { servername: 'shop.example.net', ALPNProtocols: ['acme-tls/1'] });
    assert.equal(answered.certificate?.fingerprint256, new X509Certificate(certs.challenge.cert).fingerprint256);
    assert.equal(answered.answer, undefined, 'no application data');
    assert.equal(server.events.at(-1)?.outcome, 'refusedAfterHandshake');

    const refused = await connectTls(server.port, { servername: 'a.example.com', ALPNProtocols: ['acme-tls/1'] });
    assert.equal(refused.certificate, undefined);
    assert.equal(server.events.at(-1)?.decision.refusal, 'noChallengeCertificate');

    const normal = await connectTls(server.port, { servername: 'shop.example.net', ALPNProtocols: ['h2'] });
    assert.deepEqual(dnsNames(normal.certificate), ['shop.example.net', 'www.shop.example.net']);
  }));
});

test('watchedFiles lists the certificate, key and CA files read, never inline content', () => {
  const manager = createTlsManager({
    tls: tlsConfig({
      certificates: [pair(certs.a), { certFile: certs.b.cert, keyFile: certs.b.key }],
      options: { 'mtls@file': options({ clientAuth: { caFiles: [ca.certFile], clientAuthType: 'RequireAndVerifyClientCert' } }) },
      stores: { default: { defaultCertificate: pair(certs.fallback) } },
    }),
    httpRouters: [], generatedCertificate,
  });
  assert.deepEqual(manager.diagnostics, []);
  assert.deepEqual(manager.watchedFiles().sort(), [certs.a.certFile, certs.a.keyFile, certs.fallback.certFile, certs.fallback.keyFile, ca.certFile].sort());
});
