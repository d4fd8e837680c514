import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TlsConfig } from '../../config/tls.ts';
import { tlsOptionsSchema } from '../../config/tls.ts';
import { createTestCa } from '../../../test/support/certs.ts';
import { createGeneratedCertificateSource } from './generated-certificate.ts';
import type { RuntimeHttpRouter } from '../../config/runtime.ts';
import { mapOptionsByHost, tlsHttpRouters, type TlsHttpRouter } from './options-by-host.ts';
import { createTlsManager } from './tls-manager.ts';
import { connectTls, startTlsTestServer } from './testing/tls-test-server.ts';

const router = (name: string, hosts: readonly string[] | null, options?: string, entryPoints = ['websecure']): TlsHttpRouter => ({
  name: `${name}@file`, provider: 'file', entryPoints, hosts, ...(options === undefined ? {} : { options }),
});

describe('the options a host maps to', () => {
  const cases: { title: string; routers: TlsHttpRouter[]; expect: Record<string, string> }[] = [
    {
      title: 'each router\'s options for the hosts of its rule, qualified with its provider',
      routers: [router('api', ['api.example.com'], 'strict'), router('web', ['www.example.com'])],
      expect: { 'api.example.com': 'strict@file', 'www.example.com': 'default', 'other.example.com': 'default' },
    },
    {
      title: 'a reference to another provider\'s options is kept as written',
      routers: [router('api', ['api.example.com'], 'strict@kubernetescrd')],
      expect: { 'api.example.com': 'strict@kubernetescrd' },
    },
    {
      title: 'routers agreeing on a host share its options',
      routers: [router('a', ['api.example.com'], 'strict'), router('b', ['api.example.com'], 'strict')],
      expect: { 'api.example.com': 'strict@file' },
    },
    {
      title: 'routers disagreeing on a host give it the default options',
      routers: [router('a', ['api.example.com', 'a.example.com'], 'strict'), router('b', ['api.example.com'], 'modern')],
      expect: { 'api.example.com': 'default', 'a.example.com': 'strict@file' },
    },
    {
      title: 'a wildcard host covers one label; an exact host beats it',
      routers: [router('wild', ['*.example.com'], 'strict'), router('exact', ['open.example.com'], 'default')],
      expect: { 'x.example.com': 'strict@file', 'open.example.com': 'default', 'a.b.example.com': 'default', 'example.com': 'default' },
    },
    {
      title: 'lookups ignore case and trailing dots',
      routers: [router('api', ['api.example.com'], 'strict')],
      expect: { 'API.Example.com': 'strict@file', 'api.example.com.': 'strict@file' },
    },
    {
      title: 'a router whose rule names no host maps nothing',
      routers: [router('paths', null, 'strict')],
      expect: { 'api.example.com': 'default' },
    },
  ];
  for (const c of cases) {
    test(c.title, () => {
      const hostOptions = mapOptionsByHost(c.routers).forEntryPoint('websecure');
      for (const [host, options] of Object.entries(c.expect)) assert.equal(hostOptions.lookup(host), options, host);
    });
  }

  test('the conflict warns each router concerned, once, with Traefik\'s message', () => {
    const { diagnostics } = mapOptionsByHost([
      router('a', ['api.example.com'], 'strict', ['websecure', 'other']),
      router('b', ['api.example.com'], 'modern', ['websecure', 'other']),
      router('c', ['api.example.com'], 'strict'),
    ]);
    assert.deepEqual(diagnostics.map((d) => [d.severity, d.code, d.resource, d.path]), [
      ['warning', 'TLS_OPTIONS_CONFLICT', 'a@file', 'http.routers.a.tls.options'],
      ['warning', 'TLS_OPTIONS_CONFLICT', 'b@file', 'http.routers.b.tls.options'],
      ['warning', 'TLS_OPTIONS_CONFLICT', 'c@file', 'http.routers.c.tls.options'],
    ]);
    assert.equal(diagnostics[0]!.message, 'found different TLS options for routers on the same host api.example.com, so using the default TLS options instead');
  });

  test('entry points are separate: the same host may have different options on each', () => {
    const mapping = mapOptionsByHost([
      router('public', ['app.example.com'], 'default', ['websecure']),
      router('mtls', ['app.example.com'], 'mtls', ['internal']),
    ]);
    assert.deepEqual(mapping.diagnostics, []);
    assert.equal(mapping.forEntryPoint('websecure').lookup('app.example.com'), 'default');
    assert.equal(mapping.forEntryPoint('internal').lookup('app.example.com'), 'mtls@file');
    assert.equal(mapping.forEntryPoint('unused').lookup('app.example.com'), 'default');
  });

  test('a router naming options but no host is warned that they are never chosen', () => {
    const { diagnostics } = mapOptionsByHost([router('paths', null, 'strict'), router('plain', [])]);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.resource]), [['TLS_OPTIONS_WITHOUT_HOST', 'paths@file']]);
  });
});

test('tlsHttpRouters takes the serving routers with tls, their entry points and the hosts of their rules', () => {
  const runtime = (name: string, status: RuntimeHttpRouter['status'], tls: object | undefined, hosts: string[] | null) => [name, {
    name, provider: 'file', status, using: ['websecure'], config: { priority: 0, ...(tls === undefined ? {} : { tls }) },
    matcher: { match: () => true, hosts },
  } as unknown as RuntimeHttpRouter] as const;
  const routers = new Map([
    runtime('api@file', 'enabled', { options: 'strict' }, ['api.example.com']),
    runtime('site@file', 'warning', {}, null),
    runtime('plain@file', 'enabled', undefined, ['plain.example.com']),
    runtime('broken@file', 'disabled', { options: 'strict' }, ['broken.example.com']),
  ]);
  assert.deepEqual(tlsHttpRouters(routers), [
    { name: 'api@file', provider: 'file', entryPoints: ['websecure'], options: 'strict', hosts: ['api.example.com'] },
    { name: 'site@file', provider: 'file', entryPoints: ['websecure'], options: undefined, hosts: null },
  ]);
});

describe('domain fronting (421 Misdirected Request)', () => {
  const tls: TlsConfig = { certificates: [], options: { 'mtls@file': tlsOptionsSchema.parse({}) }, stores: {} };
  const manager = createTlsManager({
    tls, generatedCertificate: createGeneratedCertificateSource(),
    httpRouters: [router('admin', ['*.admin.example.com'], 'mtls'), router('site', ['www.example.com', 'blog.example.com'])],
  });
  const entryPoint = manager.entryPoint('websecure');
  const cases: [host: string, serverName: string, misdirected: boolean, why: string][] = [
    ['www.example.com', 'www.example.com', false, 'same name'],
    ['WWW.example.com:443', 'www.example.com', false, 'port and case do not matter'],
    ['blog.example.com', 'www.example.com', false, 'both map to default'],
    ['x.admin.example.com', 'y.admin.example.com', false, 'both map to mtls through the wildcard'],
    ['x.admin.example.com', 'www.example.com', true, 'a wildcard host with strict options over a default connection (GHSA-5r4w-85f3-pw66)'],
    ['www.example.com', 'x.admin.example.com', true, 'a default host over an mtls connection'],
    ['x.admin.example.com', '', true, 'no SNI means default options'],
  ];
  for (const [host, serverName, misdirected, why] of cases) {
    test(`Host ${host} on a connection for ${JSON.stringify(serverName)}: ${misdirected ? '421' : 'served'} (${why})`, () => {
      assert.equal(entryPoint.isMisdirected(host, serverName), misdirected);
    });
  }

  test('namesHost tells whether an HTTPS router names the server name', () => {
    assert.equal(entryPoint.namesHost('x.admin.example.com'), true);
    assert.equal(entryPoint.namesHost('www.example.com'), true);
    assert.equal(entryPoint.namesHost('admin.example.com'), false);
  });

  test('optionsForHost strips the port', () => {
    assert.equal(entryPoint.optionsForHost('a.admin.example.com:8443'), 'mtls@file');
    assert.equal(entryPoint.optionsForHost('[::1]:8443'), 'default');
  });
});

test('over TLS, the options follow the server name, and conflicting routers get the default ones', async () => {
  const ca = createTestCa();
  const cert = ca.issue({ dns: ['*.example.com'] });
  const client = ca.issue({ client: true });
  const mtls = tlsOptionsSchema.parse({ clientAuth: { caFiles: [ca.certFile], clientAuthType: 'RequireAndVerifyClientCert' } });
  const manager = createTlsManager({
    tls: { certificates: [{ certFile: cert.certFile, keyFile: cert.keyFile }], options: { 'mtls@file': mtls, 'modern@file': tlsOptionsSchema.parse({ minVersion: 'VersionTLS13' }) }, stores: {} },
    httpRouters: [router('admin', ['admin.example.com'], 'mtls'), router('a', ['shared.example.com'], 'mtls'), router('b', ['shared.example.com'], 'modern')],
    generatedCertificate: createGeneratedCertificateSource(),
  });
  const entryPoint = manager.entryPoint('websecure');
  const running = await startTlsTestServer((name, hello) => entryPoint.forServerName(name, hello));
  try {
    assert.equal((await connectTls(running.port, { servername: 'admin.example.com' })).answer, undefined, 'mtls needs a client certificate');
    assert.equal((await connectTls(running.port, { servername: 'admin.example.com', cert: client.cert, key: client.key })).answer?.options, 'mtls@file');
    assert.equal((await connectTls(running.port, { servername: 'shared.example.com', maxVersion: 'TLSv1.2' })).answer?.options, 'default');
  } finally {
    await running.close();
  }
});
