import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoodFixture } from './fixtures/read-fixture.ts';
import { parseDynamicConfig } from './dynamic.ts';

test('one bad router is rejected alone; the others are kept', () => {
  const parsed = parseGoodFixture('dynamic/one-bad-router.yml');
  assert.deepEqual(Object.keys(parsed.config.http.routers).sort(), ['api', 'web']);
  assert.equal(parsed.rejected.length, 1);
  const rejected = parsed.rejected[0]!;
  assert.equal(rejected.section, 'http.routers');
  assert.equal(rejected.name, 'dashboard');
  assert.deepEqual(rejected.raw, { rule: 'Host(`dash.example.com`)', service: 'dashboard', priority: 'high' });
  const [d] = rejected.diagnostics;
  assert.equal(d?.code, 'CONFIG_INVALID_TYPE');
  assert.equal(d?.path, 'http.routers.dashboard.priority');
  assert.equal(d?.message, 'expected an integer, got "high"');
  assert.deepEqual(d?.source, { file: 'one-bad-router.yml', line: 9, column: 7 });
});

test('a section that is not a map gets a diagnostic and the other sections are kept', () => {
  const { diagnostics, config } = parseDynamicConfig({
    http: { routers: ['not', 'a', 'map'], services: { api: { loadBalancer: { servers: [] } } } },
    tcp: 'nope',
  }, { resource: 'dynamic.yml' });
  assert.deepEqual(diagnostics.map((d) => [d.code, d.path]), [
    ['CONFIG_INVALID_SECTION', 'http.routers'],
    ['CONFIG_INVALID_SECTION', 'tcp'],
  ]);
  assert.match(diagnostics[0]!.message, /expected a map of names to definitions, got a list/);
  assert.ok(config.http.services['api']);
  assert.deepEqual(config.tcp.routers, {});
});

test('every collection is present even when nothing is configured', () => {
  for (const raw of [undefined, null, {}]) {
    const { config, rejected, diagnostics } = parseDynamicConfig(raw, { resource: 'x' });
    assert.deepEqual(config, {
      http: { routers: {}, services: {}, middlewares: {}, serversTransports: {} },
      tcp: { routers: {}, services: {}, middlewares: {}, serversTransports: {} },
      udp: { routers: {}, services: {} },
      tls: { certificates: [], options: {}, stores: {} },
    });
    assert.deepEqual([rejected, diagnostics], [[], []]);
  }
});

test('a document that is not a map is one diagnostic', () => {
  const { diagnostics } = parseDynamicConfig('hello', { resource: 'x' });
  assert.equal(diagnostics[0]?.code, 'CONFIG_INVALID_SECTION');
});

test('names containing @ are rejected', () => {
  const { rejected, config } = parseDynamicConfig({
    http: { middlewares: { 'strip@file': { stripPrefix: { prefixes: ['/a'] } }, ok: { stripPrefix: { prefixes: ['/b'] } } } },
  }, { resource: 'x' });
  assert.deepEqual(rejected.map((r) => [r.name, r.diagnostics[0]?.code]), [['strip@file', 'CONFIG_INVALID_NAME']]);
  assert.deepEqual(Object.keys(config.http.middlewares), ['ok']);
});
