import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStaticConfig } from '../config/load-static-config.ts';
import { httpEngineFromEnv } from './http-engine.ts';

test('SWITCHYARD_ENGINE names the default engine; unset or empty leaves it to the configuration', () => {
  const cases: [string | undefined, string | undefined][] = [
    [undefined, undefined], ['', undefined], ['raw', 'raw'], ['node', 'node'], [' RAW ', 'raw'],
  ];
  for (const [value, want] of cases) assert.equal(httpEngineFromEnv(value), want, String(value));
});

test('an unknown SWITCHYARD_ENGINE is an error, not a silent fallback', () => {
  assert.throws(() => httpEngineFromEnv('uws'), /SWITCHYARD_ENGINE must be "node" or "raw", got "uws"/);
});

test('entryPoints.<name>.http.engine takes node or raw and nothing else', () => {
  const load = (engine: string) => loadStaticConfig({
    argv: ['--entryPoints.web.address=:80', `--entryPoints.web.http.engine=${engine}`], env: {}, cwd: '/', readFile: () => null,
  });
  assert.equal(load('raw').config?.entryPoints['web']?.http.engine, 'raw');
  assert.equal(load('node').config?.entryPoints['web']?.http.engine, 'node');
  const bad = load('fast');
  assert.equal(bad.config, null);
  assert.equal(bad.diagnostics[0]?.path, 'entryPoints.web.http.engine');
  const unset = loadStaticConfig({ argv: ['--entryPoints.web.address=:80'], env: {}, cwd: '/', readFile: () => null });
  assert.equal(unset.config?.entryPoints['web']?.http.engine, undefined);
});

test('SWITCHYARD_ENGINE is not read as static configuration (the one-source rule stands)', () => {
  const loaded = loadStaticConfig({ argv: ['--entryPoints.web.address=:80'], env: { SWITCHYARD_ENGINE: 'raw' }, cwd: '/', readFile: () => null });
  assert.deepEqual(loaded.diagnostics, [], 'no "environment ignored" warning: it is not a configuration variable');
  assert.equal(loaded.config?.entryPoints['web']?.http.engine, undefined);
});
