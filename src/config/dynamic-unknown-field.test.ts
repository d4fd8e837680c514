import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoodFixture } from './fixtures/read-fixture.ts';
import { parseDynamicConfig } from './dynamic.ts';

test('an unknown field names the nearest valid field and where it is written', () => {
  const parsed = parseGoodFixture('dynamic/typo-in-field.yml');
  assert.equal(parsed.rejected.length, 1);
  const [d] = parsed.rejected[0]!.diagnostics;
  assert.equal(d?.code, 'CONFIG_UNKNOWN_FIELD');
  assert.equal(d?.path, 'http.services.api.loadBalancer.passHostHeadr');
  assert.equal(d?.message, 'unknown field "passHostHeadr"; did you mean "passHostHeader"?');
  assert.deepEqual(d?.source, { file: 'typo-in-field.yml', line: 7, column: 9 });
});

test('an unknown middleware kind suggests the nearest kind', () => {
  const { rejected } = parseDynamicConfig({ http: { middlewares: { strip: { stripPrefx: { prefixes: ['/a'] } } } } }, { resource: 'test' });
  assert.equal(rejected[0]?.diagnostics[0]?.message, 'unknown field "stripPrefx"; did you mean "stripPrefix"?');
});

test('unknown sections are reported with a suggestion and the rest is kept', () => {
  const { diagnostics, config } = parseDynamicConfig({
    htp: {}, http: { router: {}, services: { api: { loadBalancer: { servers: [{ url: 'http://a' }] } } } },
  }, { resource: 'test' });
  assert.deepEqual(diagnostics.map((d) => [d.path, d.message]), [
    ['htp', 'unknown section "htp"; did you mean "http"?'],
    ['http.router', 'unknown http section "router"; did you mean "routers"?'],
  ]);
  assert.ok(config.http.services['api']);
});

test('field names match case-insensitively, as in Traefik', () => {
  const { config, rejected } = parseDynamicConfig({
    http: { services: { api: { LoadBalancer: { servers: [{ URL: 'http://a' }], passhostheader: 'false' } } } },
  }, { resource: 'test' });
  assert.deepEqual(rejected, []);
  const service = config.http.services['api'];
  assert.equal(service?.kind, 'loadBalancer');
  if (service?.kind === 'loadBalancer') assert.equal(service.loadBalancer.passHostHeader, false);
});
