import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfigFileCandidates } from './load-static-config.ts';
import { loadStaticConfig } from './static.ts';

test('looks in /etc/traefik, $XDG_CONFIG_HOME, $HOME/.config, then the working directory', () => {
  const candidates = defaultConfigFileCandidates({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/me' }, '/srv');
  assert.deepEqual(candidates.slice(0, 6), [
    '/etc/traefik/switchyard.toml', '/etc/traefik/switchyard.yaml', '/etc/traefik/switchyard.yml',
    '/etc/traefik/traefik.toml', '/etc/traefik/traefik.yaml', '/etc/traefik/traefik.yml',
  ]);
  assert.deepEqual(candidates.filter((_, i) => i % 6 === 0), [
    '/etc/traefik/switchyard.toml', '/xdg/switchyard.toml', '/home/me/.config/switchyard.toml', '/srv/switchyard.toml',
  ]);
});

test('the first file found wins, switchyard.* before traefik.* in the same folder', () => {
  const files: Record<string, string> = {
    '/home/me/.config/traefik.yml': 'entryPoints: {web: {address: ":1"}}',
    '/home/me/.config/switchyard.yml': 'entryPoints: {web: {address: ":2"}}',
    '/srv/traefik.yml': 'entryPoints: {web: {address: ":3"}}',
  };
  const loaded = loadStaticConfig({ argv: [], env: { HOME: '/home/me' }, cwd: '/srv', readFile: (p) => files[p] ?? null });
  assert.equal(loaded.configFile, '/home/me/.config/switchyard.yml');
  assert.equal(loaded.config?.entryPoints['web']?.listen.port, 2);
});
