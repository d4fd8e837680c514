import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFixture, parseGoodFixture } from './fixtures/read-fixture.ts';
import { parseDynamicFile } from './dynamic.ts';

test('a YAML file that does not parse gives the line:column of the syntax error', () => {
  const parsed = parseFixture('dynamic/does-not-parse.yml');
  assert.equal(parsed.ok, false);
  const [d] = parsed.diagnostics;
  assert.equal(d?.code, 'CONFIG_SYNTAX_ERROR');
  assert.equal(d?.source?.file, 'does-not-parse.yml');
  assert.equal(d?.source?.line, 5);
  assert.match(d!.message, /does not parse as YAML/);
});

test('a TOML file that does not parse gives the line:column of the syntax error', () => {
  const parsed = parseFixture('dynamic/does-not-parse.toml');
  assert.equal(parsed.ok, false);
  const [d] = parsed.diagnostics;
  assert.equal(d?.code, 'CONFIG_SYNTAX_ERROR');
  assert.deepEqual([d?.source?.file, d?.source?.line], ['does-not-parse.toml', 3]);
  assert.match(d!.message, /does not parse as TOML/);
});

test('TOML files parse, and item diagnostics point at the table or key', () => {
  const parsed = parseGoodFixture('dynamic/every-service-kind.toml');
  assert.deepEqual(Object.keys(parsed.config.http.services).sort(), ['app-canary', 'app-v2']);
  assert.deepEqual(parsed.config.http.routers['app']?.tls, {});
  const byName = new Map(parsed.rejected.map((r) => [r.name, r.diagnostics[0]!]));
  assert.deepEqual(byName.get('app-v1')?.source, { file: 'every-service-kind.toml', line: 15, column: 5 });
  assert.equal(byName.get('app-v1')?.path, 'http.services.app-v1.loadBalancer.healthCheck.interval');
  assert.deepEqual(byName.get('app-mirrored')?.source, { file: 'every-service-kind.toml', line: 32, column: 5 });
  assert.equal(byName.get('strip-api')?.message, 'unknown field "forceSlsh"; did you mean "forceSlash"?');
  assert.deepEqual(byName.get('strip-api')?.source, { file: 'every-service-kind.toml', line: 36, column: 3 });
});

test('JSON files are read as YAML', () => {
  const parsed = parseGoodFixture('dynamic/api.json');
  assert.equal(parsed.config.http.routers['api']?.service, 'api');
});

test('an empty file is a valid empty configuration', () => {
  for (const name of ['empty.yml', 'empty.yaml', 'empty.toml', 'comments.yml']) {
    const parsed = parseDynamicFile(name === 'comments.yml' ? '# nothing yet\n' : '', name);
    assert.equal(parsed.ok, true, name);
    if (parsed.ok) assert.deepEqual([parsed.rejected, parsed.diagnostics, parsed.config.http.routers], [[], [], {}]);
  }
});

test('a Go template is a warning, not a failure', () => {
  const parsed = parseGoodFixture('dynamic/go-template.yml');
  const [d] = parsed.diagnostics;
  assert.equal(d?.severity, 'warning');
  assert.equal(d?.code, 'CONFIG_TEMPLATE_UNSUPPORTED');
  assert.deepEqual(d?.source, { file: 'go-template.yml', line: 4, column: 20 });
  assert.match(d!.message, /not supported/);
  assert.ok(parsed.config.http.routers['api']);
});

test('other extensions are not dynamic configuration files', () => {
  const parsed = parseDynamicFile('a: 1', 'notes.txt');
  assert.equal(parsed.ok, false);
  assert.equal(parsed.diagnostics[0]?.code, 'CONFIG_UNSUPPORTED_FILE');
});
