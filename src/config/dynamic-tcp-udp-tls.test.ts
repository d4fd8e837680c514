import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoodFixture } from './fixtures/read-fixture.ts';
import { parseDynamicConfig } from './dynamic.ts';

const parsed = parseGoodFixture('dynamic/tcp-udp-tls.yml');

test('TCP routers, services, middlewares and transports parse', () => {
  assert.deepEqual(parsed.rejected, []);
  const { tcp } = parsed.config;
  assert.equal(tcp.routers['postgres']?.tls?.passthrough, true);
  assert.equal(tcp.routers['catch-all']?.priority, 0);
  const pg = tcp.services['postgres'];
  if (pg?.kind !== 'loadBalancer') return assert.fail('expected loadBalancer');
  assert.deepEqual(pg.loadBalancer.servers, [{ address: '10.0.0.5:5432', tls: false }]);
  assert.deepEqual(pg.loadBalancer.healthCheck, { port: 0, interval: 5_000, timeout: 5_000 });
  assert.equal(tcp.services['weighted-db']?.kind, 'weighted');
  assert.deepEqual(tcp.middlewares['few-connections'], { kind: 'inFlightConn', inFlightConn: { amount: 5 } });
  assert.deepEqual(tcp.serversTransports['pg'], {
    dialKeepAlive: 15_000, dialTimeout: 2_000, terminationDelay: -1_000, proxyProtocol: { version: 2 },
  });
});

test('UDP routers and services parse', () => {
  const { udp } = parsed.config;
  assert.deepEqual(udp.routers['dns'], { entryPoints: ['dns'], service: 'dns' });
  assert.deepEqual(udp.services['dns'], { kind: 'loadBalancer', loadBalancer: { servers: [{ address: '10.0.0.53:53' }] } });
  assert.deepEqual(udp.services['dns-weighted'], { kind: 'weighted', weighted: { services: [{ name: 'dns', weight: 1 }] } });
});

test('TLS certificates, options and stores parse with defaults', () => {
  const { tls } = parsed.config;
  assert.equal(tls.certificates.length, 1);
  assert.equal(tls.options['modern']?.minVersion, 'VersionTLS13');
  assert.deepEqual(tls.options['modern']?.alpnProtocols, ['h2', 'http/1.1', 'acme-tls/1']);
  assert.equal(tls.stores['default']?.defaultCertificate?.certFile, '/certs/default.pem');
});

test('a bad TLS option is dropped with a diagnostic and the others are kept', () => {
  const { config, diagnostics } = parseDynamicConfig({ tls: { options: {
    old: { minVersion: 'VersionSSL30' }, ok: {},
  } } }, { resource: 'x' });
  assert.deepEqual(Object.keys(config.tls.options), ['ok']);
  assert.equal(diagnostics[0]?.path, 'tls.options.old.minVersion');
});

test('bad TCP items are rejected one by one', () => {
  const { rejected } = parseDynamicConfig({ tcp: {
    services: { none: {} },
    middlewares: { bad: { ipAllowList: { sourceRange: ['not-an-ip'] } } },
  } }, { resource: 'x' });
  assert.deepEqual(rejected.map((r) => [r.section, r.name, r.diagnostics[0]?.code]), [
    ['tcp.services', 'none', 'SERVICE_NO_TYPE'],
    ['tcp.middlewares', 'bad', 'CONFIG_INVALID_VALUE'],
  ]);
});
