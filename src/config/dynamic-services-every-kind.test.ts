import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoodFixture } from './fixtures/read-fixture.ts';
import { httpServiceKinds, type HttpService } from './dynamic.ts';

const parsed = parseGoodFixture('dynamic/every-service-kind.yml');
const services = parsed.config.http.services;

function kindOf(service: HttpService | undefined): string | undefined {
  return service?.kind;
}

test('every service kind parses', () => {
  assert.deepEqual(parsed.rejected, []);
  assert.deepEqual(parsed.diagnostics, []);
  const kinds = new Set(Object.values(services).map((s) => s.kind));
  assert.deepEqual([...kinds].sort(), [...httpServiceKinds].sort());
  assert.equal(kindOf(services['app-canary']), 'weighted');
  assert.equal(kindOf(services['app-affinity']), 'highestRandomWeight');
});

test('loadBalancer fields are read with durations in milliseconds', () => {
  const service = services['app-v1'];
  assert.equal(service?.kind, 'loadBalancer');
  if (service?.kind !== 'loadBalancer') return;
  const lb = service.loadBalancer;
  assert.deepEqual(lb.servers, [
    { url: 'http://10.0.0.1:8080', weight: 1, preservePath: false, fenced: false },
    { url: 'http://10.0.0.2:8080', weight: 3, preservePath: true, fenced: false },
  ]);
  assert.equal(lb.healthCheck?.interval, 10_000);
  assert.equal(lb.healthCheck?.timeout, 3_000);
  assert.deepEqual(lb.healthCheck?.headers, { 'X-Probe': 'switchyard' });
  assert.deepEqual(lb.passiveHealthCheck, { failureWindow: 30_000, maxFailedAttempts: 3 });
  assert.equal(lb.strategy, 'p2c');
  assert.equal(lb.passHostHeader, false);
  assert.equal(lb.serversTransport, 'internal-tls');
  assert.deepEqual(service.middlewares, []);
});

test('values Traefik gives a meaning are kept: negative maxAge and flushInterval', () => {
  const service = services['app-v1'];
  if (service?.kind !== 'loadBalancer') return assert.fail('expected a loadBalancer');
  assert.equal(service.loadBalancer.sticky?.cookie?.maxAge, -1);
  assert.equal(service.loadBalancer.sticky?.cookie?.sameSite, 'lax');
  assert.equal(service.loadBalancer.responseForwarding.flushInterval, -1);
});

test('weighted, mirroring, failover and highestRandomWeight keep their children in order', () => {
  const weighted = services['app-canary'];
  if (weighted?.kind !== 'weighted') return assert.fail('expected weighted');
  assert.deepEqual(weighted.weighted.services, [{ name: 'app-v1', weight: 9 }, { name: 'app-v2', weight: 1 }]);
  assert.deepEqual(weighted.weighted.healthCheck, {});
  assert.equal(weighted.weighted.sticky?.cookie?.path, '/');

  const mirroring = services['app-mirrored'];
  if (mirroring?.kind !== 'mirroring') return assert.fail('expected mirroring');
  assert.deepEqual(mirroring.mirroring, {
    service: 'app-v1', mirrorBody: false, maxBodySize: 1_048_576, mirrors: [{ name: 'app-v2', percent: 10, compare: false }], mirrorBufferBytes: 1_048_576,
  });

  const failover = services['app-failover'];
  if (failover?.kind !== 'failover') return assert.fail('expected failover');
  assert.deepEqual(failover.failover.errors, { status: ['500-504', '429'], maxRequestBodyBytes: -1 });

  const hrw = services['app-affinity'];
  if (hrw?.kind !== 'highestRandomWeight') return assert.fail('expected highestRandomWeight');
  assert.deepEqual(hrw.highestRandomWeight.services, [{ name: 'app-v1', weight: 2 }, { name: 'app-v2', weight: 1 }]);
});

test('servers transports parse with their timeouts in milliseconds', () => {
  const transport = parsed.config.http.serversTransports['internal-tls'];
  assert.equal(transport?.maxIdleConnsPerHost, -1);
  assert.deepEqual(transport?.forwardingTimeouts, {
    dialTimeout: 5_000, responseHeaderTimeout: 90_000, idleConnTimeout: 90_000, readIdleTimeout: 0, pingTimeout: 15_000,
  });
  assert.deepEqual(transport?.certificates, [{ certFile: '/certs/client.pem', keyFile: '/certs/client.key' }]);
});
