import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDynamicConfig } from './dynamic.ts';

function parseService(service: unknown) {
  const { config, rejected } = parseDynamicConfig({ http: { services: { s: service } } }, { resource: 'x' });
  assert.deepEqual(rejected, []);
  return config.http.services['s']!;
}

test('loadBalancer defaults are Traefik’s', () => {
  const service = parseService({ loadBalancer: { servers: [{ url: 'http://a' }], healthCheck: { path: '/h' }, sticky: { cookie: null } } });
  assert.equal(service.kind, 'loadBalancer');
  if (service.kind !== 'loadBalancer') return;
  const lb = service.loadBalancer;
  assert.equal(lb.passHostHeader, true);
  assert.equal(lb.strategy, 'wrr');
  assert.deepEqual(lb.servers, [{ url: 'http://a', weight: 1, preservePath: false, fenced: false }]);
  assert.equal(lb.responseForwarding.flushInterval, 100);
  assert.deepEqual(lb.healthCheck, {
    path: '/h', mode: 'http', method: 'GET', status: 0, port: 0, interval: 30_000, timeout: 5_000, followRedirects: true,
    rise: 1, fall: 1, probeAtStart: false,
  });
  assert.deepEqual(lb.sticky, { cookie: { secure: false, httpOnly: false, sameSite: '', maxAge: 0, path: '/' } });
});

test('an empty strategy means wrr', () => {
  const service = parseService({ loadBalancer: { strategy: '' } });
  if (service.kind === 'loadBalancer') assert.equal(service.loadBalancer.strategy, 'wrr');
});

test('mirroring defaults: mirrorBody true, maxBodySize -1 (unlimited), percent 0', () => {
  const service = parseService({ mirroring: { service: 'main', mirrors: [{ name: 'copy' }] } });
  if (service.kind !== 'mirroring') return assert.fail('expected mirroring');
  assert.deepEqual(service.mirroring, {
    service: 'main', mirrorBody: true, maxBodySize: -1, mirrors: [{ name: 'copy', percent: 0, compare: false }], mirrorBufferBytes: 1_048_576,
  });
});

test('durations accept Go syntax and integers as seconds', () => {
  for (const [interval, ms] of [['1m30s', 90_000], [15, 15_000], ['15', 15_000], ['250ms', 250]] as const) {
    const service = parseService({ loadBalancer: { healthCheck: { interval } } });
    if (service.kind === 'loadBalancer') assert.equal(service.loadBalancer.healthCheck?.interval, ms);
  }
});

test('a malformed duration is rejected saying what was expected', () => {
  const { rejected } = parseDynamicConfig({ http: { services: { s: { loadBalancer: { healthCheck: { interval: 'soon' } } } } } }, { resource: 'x' });
  const d = rejected[0]?.diagnostics[0];
  assert.equal(d?.code, 'CONFIG_INVALID_DURATION');
  assert.match(d!.message, /expected a duration like "10s"/);
});

test('router defaults: priority 0 means rule length later; tls: {} enables TLS', () => {
  const { config } = parseDynamicConfig({ http: { routers: { r: { rule: 'Path(`/`)', tls: null } } } }, { resource: 'x' });
  assert.deepEqual(config.http.routers['r'], { rule: 'Path(`/`)', priority: 0, tls: {} });
});

test('values given as strings are read as Traefik reads them', () => {
  const service = parseService({ loadBalancer: { servers: [{ url: 'http://a', weight: '5' }], passHostHeader: 'FALSE' } });
  if (service.kind !== 'loadBalancer') return assert.fail('expected loadBalancer');
  assert.equal(service.loadBalancer.servers[0]?.weight, 5);
  assert.equal(service.loadBalancer.passHostHeader, false);
});
