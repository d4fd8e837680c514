import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TlsConfig, TlsOptionsConfig } from '../../config/tls.ts';
import { tlsOptionsSchema } from '../../config/tls.ts';
import { createTestCa, type TestCert } from '../../../test/support/certs.ts';
import { createGeneratedCertificateSource } from './generated-certificate.ts';
import { createTlsManager, type TlsHttpRouter } from './tls-manager.ts';
import { connectTls, startTlsTestServer, type TlsTestServer } from './testing/tls-test-server.ts';

const ca = createTestCa();
const otherCa = createTestCa('Other CA');
const server = ca.issue({ dns: ['*.example.com', 'example.com'] });
const client = ca.issue({ client: true, commonName: 'alice' });
const stranger = otherCa.issue({ client: true, commonName: 'mallory' });
const generatedCertificate = createGeneratedCertificateSource();

const options = (raw: Record<string, unknown>): TlsOptionsConfig => tlsOptionsSchema.parse(raw);
const withCert = (cert: TestCert) => ({ cert: cert.cert, key: cert.key });

/** One router per host with the given options (unqualified, file provider) on `websecure`. */
function routers(byHost: Record<string, string>): TlsHttpRouter[] {
  return Object.entries(byHost).map(([host, name], i) => ({
    name: `r${i}@file`, provider: 'file', entryPoints: ['websecure'], options: name, hosts: [host],
  }));
}

async function withServer(optionsByName: Record<string, TlsOptionsConfig>, byHost: Record<string, string>, fn: (server: TlsTestServer) => Promise<void>): Promise<void> {
  const tls: TlsConfig = { certificates: [{ certFile: server.certFile, keyFile: server.keyFile }], options: optionsByName, stores: {} };
  const manager = createTlsManager({ tls, httpRouters: routers(byHost), generatedCertificate });
  assert.deepEqual(manager.diagnostics.filter((d) => d.severity === 'error'), []);
  const entryPoint = manager.entryPoint('websecure');
  const running = await startTlsTestServer((name, hello) => entryPoint.forServerName(name, hello));
  try {
    await fn(running);
  } finally {
    await running.close();
  }
}

describe('TLS versions', () => {
  test('minVersion VersionTLS13 refuses a TLS 1.2 client and serves a TLS 1.3 one', () => withServer(
    { 'modern@file': options({ minVersion: 'VersionTLS13' }) }, { 'modern.example.com': 'modern' },
    async ({ port }) => {
      const old = await connectTls(port, { servername: 'modern.example.com', maxVersion: 'TLSv1.2' });
      assert.equal(old.answer, undefined);
      assert.match(old.error ?? '', /protocol version|alert/i);
      const current = await connectTls(port, { servername: 'modern.example.com' });
      assert.equal(current.protocol, 'TLSv1.3');
      assert.equal(current.answer?.options, 'modern@file');
      // Another name on the same connection point keeps the default options (TLS 1.2 allowed).
      assert.equal((await connectTls(port, { servername: 'plain.example.com', maxVersion: 'TLSv1.2' })).protocol, 'TLSv1.2');
    },
  ));

  test('minVersion VersionTLS10 serves a TLS 1.0 client, with a warning about OpenSSL\'s security level', async () => {
    const manager = createTlsManager({
      tls: { certificates: [{ certFile: server.certFile, keyFile: server.keyFile }], options: { 'old@file': options({ minVersion: 'VersionTLS10' }) }, stores: {} },
      httpRouters: [], generatedCertificate,
    });
    assert.deepEqual(manager.diagnostics.map((d) => [d.severity, d.code, d.path]), [['warning', 'TLS_OPTIONS_LEGACY_VERSION', 'tls.options.old.minVersion']]);
    const running = await startTlsTestServer((name, hello) => manager.forOptions('old@file', name, hello));
    try {
      const old = await connectTls(running.port, { servername: 'old.example.com', minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' });
      assert.equal(old.protocol, 'TLSv1');
      assert.equal(old.answer?.options, 'old@file');
    } finally {
      await running.close();
    }
  });

  test('maxVersion VersionTLS12 keeps clients on TLS 1.2', () => withServer(
    { 'legacy@file': options({ maxVersion: 'VersionTLS12' }) }, { 'legacy.example.com': 'legacy' },
    async ({ port }) => {
      assert.equal((await connectTls(port, { servername: 'legacy.example.com' })).protocol, 'TLSv1.2');
    },
  ));
});

describe('cipher suites and curves', () => {
  test('cipherSuites limit TLS 1.2 to the listed suites and leave TLS 1.3 as it is', () => withServer(
    { 'suites@file': options({ cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256'] }) },
    { 'suites.example.com': 'suites' },
    async ({ port }) => {
      const listed = await connectTls(port, { servername: 'suites.example.com', maxVersion: 'TLSv1.2' });
      assert.equal(listed.protocol, 'TLSv1.2');
      const unlisted = await connectTls(port, { servername: 'suites.example.com', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' });
      assert.equal(unlisted.answer, undefined, 'a TLS 1.2 client offering only other suites is refused');
      // TLS 1.3 suites cannot be limited (Go): a client offering only TLS_AES_256_GCM_SHA384 still connects.
      const tls13 = await connectTls(port, { servername: 'suites.example.com', ciphers: 'TLS_AES_256_GCM_SHA384' });
      assert.equal(tls13.protocol, 'TLSv1.3');
      assert.equal(tls13.answer?.options, 'suites@file');
    },
  ));

  test('curvePreferences limit the key exchange groups', () => withServer(
    { 'p384@file': options({ curvePreferences: ['CurveP384'] }) }, { 'curves.example.com': 'p384' },
    async ({ port }) => {
      assert.equal((await connectTls(port, { servername: 'curves.example.com', ecdhCurve: 'P-256' })).answer, undefined);
      assert.equal((await connectTls(port, { servername: 'curves.example.com', ecdhCurve: 'P-384' })).answer?.options, 'p384@file');
    },
  ));

  test('session tickets resume sessions, and disableSessionTickets stops that', () => withServer(
    { 'once@file': options({ disableSessionTickets: true }) }, { 'once.example.com': 'once' },
    async ({ port }) => {
      for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
        const first = await connectTls(port, { servername: 'www.example.com', maxVersion });
        assert.ok(first.session, `${maxVersion}: a ticket`);
        assert.equal((await connectTls(port, { servername: 'www.example.com', maxVersion, session: first.session })).reused, true, maxVersion);
        const noTickets = await connectTls(port, { servername: 'once.example.com', maxVersion });
        const retry = await connectTls(port, { servername: 'once.example.com', maxVersion, ...(noTickets.session === undefined ? {} : { session: noTickets.session }) });
        assert.equal(retry.answer?.options, 'once@file');
        assert.equal(retry.reused, false, `${maxVersion}: not resumed`);
      }
    },
  ));

  test('alpnProtocols decide the negotiated protocol', () => withServer(
    { 'h1@file': options({ alpnProtocols: ['http/1.1'] }) }, { 'h1.example.com': 'h1' },
    async ({ port }) => {
      assert.equal((await connectTls(port, { servername: 'h1.example.com', ALPNProtocols: ['h2', 'http/1.1'] })).answer?.alpn, 'http/1.1');
      assert.equal((await connectTls(port, { servername: 'other.example.com', ALPNProtocols: ['h2', 'http/1.1'] })).answer?.alpn, 'h2');
    },
  ));
});

describe('client certificates', () => {
  const clientAuth = (clientAuthType: string) => options({ clientAuth: { caFiles: [ca.certFile], clientAuthType } });

  test('RequireAndVerifyClientCert refuses a client without a certificate or with a foreign one, and accepts one signed by the CA', () => withServer(
    { 'mtls@file': clientAuth('RequireAndVerifyClientCert') }, { 'secure.example.com': 'mtls' },
    async (running) => {
      const name = { servername: 'secure.example.com' };
      assert.equal((await connectTls(running.port, name)).answer, undefined);
      assert.equal((await connectTls(running.port, { ...name, ...withCert(stranger) })).answer, undefined);
      assert.match(running.events.at(-1)?.detail ?? '', /not verified/);
      assert.deepEqual((await connectTls(running.port, { ...name, ...withCert(client) })).answer, { options: 'mtls@file', authorized: true, alpn: false });
      // The same CA-less client is welcome on a name with the default options.
      assert.equal((await connectTls(running.port, { servername: 'www.example.com' })).answer?.options, 'default');
    },
  ));

  test('VerifyClientCertIfGiven accepts no certificate, refuses a foreign one', () => withServer(
    { 'optional@file': clientAuth('VerifyClientCertIfGiven') }, { 'secure.example.com': 'optional' },
    async ({ port }) => {
      const name = { servername: 'secure.example.com' };
      assert.deepEqual((await connectTls(port, name)).answer, { options: 'optional@file', authorized: false, alpn: false });
      assert.equal((await connectTls(port, { ...name, ...withCert(stranger) })).answer, undefined);
      assert.equal((await connectTls(port, { ...name, ...withCert(client) })).answer?.authorized, true);
    },
  ));

  test('RequireAnyClientCert needs a certificate but does not verify it', () => withServer(
    { 'any@file': options({ clientAuth: { clientAuthType: 'RequireAnyClientCert' } }) }, { 'secure.example.com': 'any' },
    async ({ port }) => {
      const name = { servername: 'secure.example.com' };
      assert.equal((await connectTls(port, name)).answer, undefined);
      assert.equal((await connectTls(port, { ...name, ...withCert(stranger) })).answer?.options, 'any@file');
    },
  ));
});

describe('options that cannot be built', () => {
  const tls = (optionsByName: Record<string, TlsOptionsConfig>): TlsConfig => ({
    certificates: [{ certFile: server.certFile, keyFile: server.keyFile }], options: optionsByName, stores: {},
  });

  test('are reported by field, and refuse the names mapped to them while the others serve', async () => {
    const manager = createTlsManager({
      tls: tls({
        'typo@file': options({ cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA999'] }),
        'curve@file': options({ curvePreferences: ['CurveP256', 'P-999'] }),
        'noca@file': options({ clientAuth: { caFiles: ['/nonexistent/ca.pem'], clientAuthType: 'RequireAndVerifyClientCert' } }),
        'needsca@file': options({ clientAuth: { clientAuthType: 'VerifyClientCertIfGiven' } }),
        'range@file': options({ minVersion: 'VersionTLS13', maxVersion: 'VersionTLS12' }),
        'only13@file': options({ maxVersion: 'VersionTLS12', cipherSuites: ['TLS_AES_128_GCM_SHA256'] }),
      }),
      httpRouters: routers({ 'typo.example.com': 'typo', 'curve.example.com': 'curve' }),
      generatedCertificate,
    });
    assert.deepEqual(manager.diagnostics.map((d) => [d.severity, d.code, d.resource, d.path]), [
      ['error', 'TLS_OPTIONS_CIPHER_SUITE_UNKNOWN', 'typo@file', 'tls.options.typo.cipherSuites[1]'],
      ['error', 'TLS_OPTIONS_CURVE_UNKNOWN', 'curve@file', 'tls.options.curve.curvePreferences[1]'],
      ['error', 'TLS_OPTIONS_CA_UNREADABLE', 'noca@file', 'tls.options.noca.clientAuth.caFiles[0]'],
      ['error', 'TLS_OPTIONS_CLIENT_AUTH_NEEDS_CA', 'needsca@file', 'tls.options.needsca.clientAuth.clientAuthType'],
      ['error', 'TLS_OPTIONS_VERSION_RANGE_EMPTY', 'range@file', 'tls.options.range.maxVersion'],
      ['error', 'TLS_OPTIONS_NO_CIPHER_SUITE', 'only13@file', 'tls.options.only13.cipherSuites'],
    ]);
    assert.deepEqual(manager.watchedFiles(), [server.certFile, server.keyFile, '/nonexistent/ca.pem']);
    const entryPoint = manager.entryPoint('websecure');
    assert.equal(entryPoint.forServerName('typo.example.com').refusal, 'optionsUnusable');
    assert.equal(entryPoint.forServerName('www.example.com').refusal, null);
    assert.equal(manager.forOptions('noca@file', 'x.example.com').refusal, 'optionsUnusable');
    assert.equal(manager.forOptions('unknown@file', 'x.example.com').refusal, 'optionsUnusable');

    const running = await startTlsTestServer((name, hello) => entryPoint.forServerName(name, hello));
    try {
      assert.equal((await connectTls(running.port, { servername: 'typo.example.com' })).certificate, undefined);
      assert.equal((await connectTls(running.port, { servername: 'www.example.com' })).answer?.options, 'default');
    } finally {
      await running.close();
    }
  });

  test('suites this OpenSSL lacks are left out with a warning; the options still serve', () => {
    const manager = createTlsManager({
      tls: tls({ 'old@file': options({ cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] }) }),
      httpRouters: [], generatedCertificate,
    });
    assert.deepEqual(manager.diagnostics.map((d) => [d.severity, d.code, d.path]), [
      ['warning', 'TLS_OPTIONS_CIPHER_SUITE_UNAVAILABLE', 'tls.options.old.cipherSuites[0]'],
    ]);
    assert.equal(manager.forOptions('old@file', 'a.example.com').refusal, null);
  });
});

test('a TCP router\'s connection uses that router\'s options (forOptions)', async () => {
  const manager = createTlsManager({
    tls: { certificates: [{ certFile: server.certFile, keyFile: server.keyFile }], options: { 'db@file': options({ minVersion: 'VersionTLS13' }) }, stores: {} },
    httpRouters: [], generatedCertificate,
  });
  const running = await startTlsTestServer((name, hello) => manager.forOptions('db@file', name, hello));
  try {
    assert.equal((await connectTls(running.port, { servername: 'db.example.com', maxVersion: 'TLSv1.2' })).answer, undefined);
    assert.equal((await connectTls(running.port, { servername: 'db.example.com' })).answer?.options, 'db@file');
  } finally {
    await running.close();
  }
});

test('decisions and secure contexts are made once and shared with the next manager when unchanged', () => {
  const tls: TlsConfig = { certificates: [{ certFile: server.certFile, keyFile: server.keyFile }], options: {}, stores: {} };
  const first = createTlsManager({ tls, httpRouters: [], generatedCertificate });
  const a = first.entryPoint('websecure').forServerName('a.example.com');
  assert.equal(first.entryPoint('websecure').forServerName('b.example.com'), a, 'same options and certificate: same decision object');
  const second = createTlsManager({ tls, httpRouters: [], generatedCertificate, previous: first });
  const b = second.entryPoint('websecure').forServerName('a.example.com');
  assert.ok(a.refusal === null && b.refusal === null);
  assert.equal(b.secureContext, a.secureContext);
  const changed = createTlsManager({ tls: { ...tls, options: { default: options({ minVersion: 'VersionTLS13' }) } }, httpRouters: [], generatedCertificate, previous: second });
  const c = changed.entryPoint('websecure').forServerName('a.example.com');
  assert.ok(c.refusal === null);
  assert.notEqual(c.secureContext, a.secureContext);
});
