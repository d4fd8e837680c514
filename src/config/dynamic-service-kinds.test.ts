import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDynamicConfig } from './dynamic.ts';

function rejectService(service: unknown) {
  const { rejected } = parseDynamicConfig({ http: { services: { s: service } } }, { resource: 'x' });
  assert.equal(rejected.length, 1);
  return rejected[0]!.diagnostics;
}

test('a service with two kinds is rejected as multi-types', () => {
  const [d] = rejectService({ loadBalancer: { servers: [] }, weighted: { services: [] } });
  assert.equal(d?.code, 'SERVICE_MULTIPLE_TYPES');
  assert.match(d!.message, /multi-types service not supported/);
});

test('a service without a kind is rejected', () => {
  for (const service of [{}, null, { middlewares: ['a'] }]) {
    const [d] = rejectService(service);
    assert.equal(d?.code, 'SERVICE_NO_TYPE');
    assert.match(d!.message, /does not have any type defined/);
  }
});

test('a middleware with two kinds or none is rejected', () => {
  const { rejected } = parseDynamicConfig({ http: { middlewares: {
    two: { stripPrefix: { prefixes: ['/a'] }, addPrefix: { prefix: '/b' } },
    none: {},
  } } }, { resource: 'x' });
  assert.deepEqual(rejected.map((r) => r.diagnostics[0]?.code), ['MIDDLEWARE_MULTIPLE_TYPES', 'MIDDLEWARE_NO_TYPE']);
});

test('mirroring percent outside 0..100 is rejected', () => {
  for (const percent of [-1, 101]) {
    const [d] = rejectService({ mirroring: { service: 'a', mirrors: [{ name: 'b', percent }] } });
    assert.equal(d?.path, 'http.services.s.mirroring.mirrors[0].percent');
    assert.match(d!.message, /between 0 and 100/);
  }
});

test('service-level middlewares are kept on the service', () => {
  const { config } = parseDynamicConfig({ http: { services: { s: { loadBalancer: { servers: [] }, middlewares: ['m1', 'm2'] } } } }, { resource: 'x' });
  assert.deepEqual(config.http.services['s']?.middlewares, ['m1', 'm2']);
});

test('a server without a url, or with a url that is not absolute, is rejected', () => {
  assert.equal(rejectService({ loadBalancer: { servers: [{ weight: 2 }] } })[0]?.code, 'CONFIG_MISSING_FIELD');
  assert.match(rejectService({ loadBalancer: { servers: [{ url: '10.0.0.1:80' }] } })[0]!.message, /absolute URL/);
});
