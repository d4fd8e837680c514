import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStaticConfig } from './static.ts';

const file = { '/srv/traefik.yml': 'entryPoints:\n  web:\n    address: ":1"\n' };
const readFile = (path: string): string | null => (file as Record<string, string>)[path] ?? null;

test('a configuration file wins; flags and environment are ignored with a warning', () => {
  const loaded = loadStaticConfig({
    argv: ['--entryPoints.web.address=:2'], env: { TRAEFIK_ENTRYPOINTS_WEB_ADDRESS: ':3' }, cwd: '/srv', readFile,
  });
  assert.equal(loaded.config?.entryPoints['web']?.address, ':1');
  assert.deepEqual(loaded.diagnostics.map((d) => [d.severity, d.code, d.resource]), [
    ['warning', 'STATIC_SOURCE_IGNORED', 'command line'],
    ['warning', 'STATIC_SOURCE_IGNORED', 'environment'],
  ]);
});

test('without a file, flags win over the environment', () => {
  const loaded = loadStaticConfig({
    argv: ['--entryPoints.web.address=:2'], env: { TRAEFIK_API_INSECURE: 'true' }, cwd: '/', readFile: () => null,
  });
  assert.equal(loaded.config?.entryPoints['web']?.address, ':2');
  assert.equal(loaded.config?.api, undefined);
  assert.equal(loaded.diagnostics[0]?.code, 'STATIC_SOURCE_IGNORED');
});

test('--configFile alone does not count as configuration flags', () => {
  const loaded = loadStaticConfig({ argv: ['--configFile=/srv/traefik.yml'], env: {}, cwd: '/', readFile });
  assert.deepEqual(loaded.diagnostics, []);
  assert.equal(loaded.configFile, '/srv/traefik.yml');
});
