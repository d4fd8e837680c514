import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStaticConfig } from '../config/static.ts';
import { unappliedStaticSettings } from './unapplied-settings.ts';

function warningsFor(argv: string[]): string[] {
  const loaded = loadStaticConfig({ argv, env: {}, cwd: '/nonexistent' });
  assert.ok(loaded.config, JSON.stringify(loaded.diagnostics));
  return unappliedStaticSettings(loaded.config).map((d) => d.path);
}

test('settings that are parsed but not applied yet are warnings naming their path', () => {
  assert.deepEqual(warningsFor([
    '--entryPoints.web.address=:80',
    '--entryPoints.web.http.encodedCharacters.allowEncodedSlash=true',
    '--entryPoints.web.reusePort=true',
  ]), ['entryPoints.web.http.encodedCharacters', 'entryPoints.web.reusePort']);
});

test('a configuration using only applied settings gets no warning', () => {
  assert.deepEqual(warningsFor(['--entryPoints.web.address=:80', '--api.insecure=true', '--ping=true', '--metrics.prometheus=true', '--accessLog.addInternals=true',
    '--entryPoints.web.http.redirections.entryPoint.to=websecure', '--entryPoints.web.proxyProtocol.insecure=true']), []);
});
