import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureFiles } from './fixtures/static-files.ts';
import { loadStaticConfig } from './static.ts';

test('keys Traefik knows but Switchyard does not support yet are warnings; start continues', () => {
  const loaded = loadStaticConfig({
    argv: [], env: {}, cwd: '/srv', readFile: fixtureFiles({ '/srv/traefik.yml': 'with-unsupported-keys.yml' }),
  });
  assert.ok(loaded.config);
  const warnings = loaded.diagnostics.filter((d) => d.severity === 'warning');
  assert.deepEqual(warnings.map((d) => d.path).sort(),
    ['metrics.datadog', 'providers.docker', 'tracing']);
  const docker = warnings.find((d) => d.path === 'providers.docker')!;
  assert.equal(docker.code, 'STATIC_KEY_NOT_SUPPORTED');
  assert.match(docker.message, /not supported by Switchyard yet; ignored/);
  assert.deepEqual(docker.source, { file: '/srv/traefik.yml', line: 5, column: 3 });
  assert.ok(loaded.config.metrics?.prometheus);
  assert.ok(loaded.config.providers.file);
});

test('keys neither knows are errors naming the nearest valid key', () => {
  const loaded = loadStaticConfig({
    argv: [], env: {}, cwd: '/srv', readFile: fixtureFiles({ '/srv/traefik.yml': 'with-typos.yml' }),
  });
  assert.equal(loaded.config, null);
  const messages = loaded.diagnostics.map((d) => `${d.path} ${d.source?.line}:${d.source?.column} ${d.message}`);
  assert.ok(messages.includes('providrs 4:1 unknown field "providrs"; did you mean "providers"?'), messages.join('\n'));
  assert.ok(messages.includes('entryPoints.web.adress 3:5 unknown field "adress"; did you mean "address"?'), messages.join('\n'));
});

test('an entry point address must be host:port with an optional /tcp or /udp', () => {
  for (const address of ['80', ':80/sctp', 'localhost', ':99999']) {
    const loaded = loadStaticConfig({ argv: [`--entryPoints.web.address=${address}`], env: {}, cwd: '/', readFile: () => null });
    assert.equal(loaded.config, null, address);
    assert.equal(loaded.diagnostics[0]?.path, 'entryPoints.web.address');
  }
});

test('an unknown log level is an error, not a silent default', () => {
  const loaded = loadStaticConfig({ argv: ['--log.level=verbose'], env: {}, cwd: '/', readFile: () => null });
  assert.equal(loaded.config, null);
  assert.match(loaded.diagnostics[0]!.message, /expected one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, PANIC/);
});
