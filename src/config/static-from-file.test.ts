import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureFiles } from './fixtures/static-files.ts';
import { loadStaticConfig } from './static.ts';

test('reads the static configuration from a YAML file with Traefik defaults', () => {
  const loaded = loadStaticConfig({
    argv: ['--configFile=conf/traefik.yml'], env: {}, cwd: '/srv', readFile: fixtureFiles({ '/srv/conf/traefik.yml': 'traefik.yml' }),
  });
  assert.deepEqual(loaded.diagnostics, []);
  assert.equal(loaded.configFile, '/srv/conf/traefik.yml');
  const config = loaded.config!;
  assert.deepEqual(Object.keys(config.entryPoints), ['web', 'websecure', 'dns', 'traefik']);
  const websecure = config.entryPoints['websecure']!;
  assert.deepEqual(websecure.listen, { host: '', port: 443, protocol: 'tcp' });
  assert.equal(websecure.asDefault, true);
  assert.deepEqual(websecure.transport.lifeCycle, { requestAcceptGraceTimeout: 0, graceTimeOut: 42_000 });
  assert.deepEqual(websecure.transport.respondingTimeouts, { readTimeout: 30_000, writeTimeout: 0, idleTimeout: 180_000 });
  assert.deepEqual(websecure.forwardedHeaders.trustedIPs, ['127.0.0.1/32', '192.168.1.0/24']);
  assert.equal(websecure.http.sanitizePath, true);
  assert.equal(websecure.http.maxHeaderBytes, 1_048_576);
  assert.deepEqual(config.entryPoints['dns']?.listen, { host: '', port: 53, protocol: 'udp' });
  assert.equal(config.entryPoints['dns']?.udp.timeout, 3_000);
  assert.deepEqual(config.entryPoints['web']?.http.redirections?.entryPoint,
    { to: 'websecure', scheme: 'https', permanent: true, priority: Number.MAX_SAFE_INTEGER - 1 });
  assert.equal(config.providers.providersThrottleDuration, 5_000);
  assert.deepEqual(config.providers.file, { directory: '/etc/traefik/dynamic', watch: false, debugLogGeneratedTemplate: false });
  assert.deepEqual(config.providers.kubernetesCRD?.namespaces, ['apps']);
  assert.equal(config.api?.dashboard, true);
  assert.equal(config.api?.insecure, false);
  assert.deepEqual(config.ping, { entryPoint: 'traefik', manualRouting: false, terminatingStatusCode: 503 });
  assert.equal(config.log.level, 'INFO');
  assert.equal(config.accessLog?.format, 'json');
  assert.deepEqual(config.accessLog?.filters?.statusCodes, ['400-499']);
  assert.equal(config.metrics?.prometheus?.addRoutersLabels, true);
  assert.equal(config.core.defaultRuleSyntax, 'v3');
});

test('a TOML file with a typo gives the nearest key and its line:column', () => {
  const loaded = loadStaticConfig({
    argv: [], env: {}, cwd: '/srv', readFile: fixtureFiles({ '/srv/traefik.toml': 'traefik.toml' }),
  });
  assert.equal(loaded.config, null);
  assert.equal(loaded.configFile, '/srv/traefik.toml');
  const [d] = loaded.diagnostics;
  assert.equal(d?.code, 'CONFIG_UNKNOWN_FIELD');
  assert.equal(d?.path, 'log.formt');
  assert.equal(d?.message, 'unknown field "formt"; did you mean "format"?');
  assert.deepEqual(d?.source, { file: '/srv/traefik.toml', line: 15, column: 3 });
});

test('a configuration file that does not parse gives line:column', () => {
  const loaded = loadStaticConfig({
    argv: ['--configFile', '/x/traefik.yml'], env: {}, cwd: '/', readFile: (p) => (p === '/x/traefik.yml' ? 'entryPoints:\n  web:\n   - : :\n  address' : null),
  });
  assert.equal(loaded.config, null);
  assert.equal(loaded.diagnostics[0]?.code, 'CONFIG_SYNTAX_ERROR');
  assert.equal(loaded.diagnostics[0]?.source?.file, '/x/traefik.yml');
});

test('--configFile that does not exist is an error', () => {
  const loaded = loadStaticConfig({ argv: ['--configFile=/nope.yml'], env: {}, cwd: '/', readFile: () => null });
  assert.equal(loaded.config, null);
  assert.equal(loaded.diagnostics[0]?.code, 'STATIC_CONFIG_FILE_NOT_FOUND');
});
