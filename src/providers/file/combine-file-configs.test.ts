import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDynamicFile } from '../../config/dynamic.ts';
import { combineFileConfigs, type FileContents } from './combine-file-configs.ts';

function contents(file: string, yaml: string): FileContents {
  const parsed = parseDynamicFile(yaml, file);
  if (!parsed.ok) throw new Error('fixture does not parse');
  return { file, config: parsed.config, rejected: parsed.rejected, diagnostics: parsed.diagnostics };
}

test('the same name in different sections is not a conflict', () => {
  const combined = combineFileConfigs([
    contents('a.yml', 'http: {routers: {api: {rule: "Host(`a`)", service: api}}}'),
    contents('b.yml', 'http: {services: {api: {loadBalancer: {servers: [{url: "http://10.0.0.1"}]}}}}'),
  ], 'file');
  assert.deepEqual(combined.diagnostics, []);
  assert.deepEqual(Object.keys(combined.config.http.routers), ['api']);
  assert.deepEqual(Object.keys(combined.config.http.services), ['api']);
});

test('a rejected item also claims its name', () => {
  const combined = combineFileConfigs([
    contents('a.yml', 'http: {services: {api: {loadBalancer: {}, weighted: {}}}}'),
    contents('b.yml', 'http: {services: {api: {loadBalancer: {servers: [{url: "http://10.0.0.1"}]}}}}'),
  ], 'file');
  assert.deepEqual(combined.rejected.map((r) => r.name), ['api']);
  assert.deepEqual(Object.keys(combined.config.http.services), []);
  assert.equal(combined.diagnostics[0]?.message, 'HTTP service already configured in a.yml, skipping the definition in b.yml');
});

test('TLS options and stores: first wins; certificates add up', () => {
  const combined = combineFileConfigs([
    contents('a.yml', 'tls: {options: {modern: {minVersion: VersionTLS13}}, certificates: [{certFile: /a.crt, keyFile: /a.key}]}'),
    contents('b.yml', 'tls: {options: {modern: {minVersion: VersionTLS12}}, certificates: [{certFile: /b.crt, keyFile: /b.key}]}'),
  ], 'file');
  assert.equal(combined.config.tls.options['modern']?.minVersion, 'VersionTLS13');
  assert.deepEqual(combined.config.tls.certificates.map((c) => c.certFile), ['/a.crt', '/b.crt']);
  assert.equal(combined.diagnostics[0]?.message, 'TLS options modern already configured in a.yml, skipping the definition in b.yml');
  assert.equal(combined.diagnostics[0]?.path, 'tls.options.modern');
});
