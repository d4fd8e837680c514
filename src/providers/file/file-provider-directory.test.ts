import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '../../config/snapshot.ts';
import { createFileProvider } from './file-provider.ts';
import { listConfigFiles } from './list-config-files.ts';
import { createTempConfigDirectory } from './temp-config-directory.ts';

async function readDirectory(directory: string): Promise<Snapshot> {
  const emitted: Snapshot[] = [];
  await createFileProvider({ directory, watch: false }).run((s) => emitted.push(s), new AbortController().signal);
  return emitted[0]!;
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await createTempConfigDirectory();
  try {
    await fn(dir.path);
  } finally {
    await dir.remove();
  }
}

test('merges every .yml, .yaml and .toml file of a directory', () => withTempDir(async (dir) => {
  await writeFile(join(dir, 'routers.yml'), 'http: {routers: {api: {rule: "Host(`a`)", service: api}}}');
  await writeFile(join(dir, 'services.yaml'), 'http: {services: {api: {loadBalancer: {servers: [{url: "http://10.0.0.1"}]}}}}');
  await writeFile(join(dir, 'middlewares.toml'), '[http.middlewares.strip.stripPrefix]\nprefixes = ["/api"]\n');
  const snapshot = await readDirectory(dir);
  assert.deepEqual(Object.keys(snapshot.config.http.routers), ['api']);
  assert.deepEqual(Object.keys(snapshot.config.http.services), ['api']);
  assert.deepEqual(Object.keys(snapshot.config.http.middlewares), ['strip']);
  assert.deepEqual(snapshot.diagnostics, []);
}));

test('walks subdirectories, in file-name order, as Traefik does', () => withTempDir(async (dir) => {
  await mkdir(join(dir, 'b-apps'));
  await writeFile(join(dir, 'a.yml'), '');
  await writeFile(join(dir, 'b-apps', 'x.yml'), '');
  await writeFile(join(dir, 'c.toml'), '');
  const listing = await listConfigFiles(dir);
  assert.deepEqual(listing.files, [join(dir, 'a.yml'), join(dir, 'b-apps', 'x.yml'), join(dir, 'c.toml')]);
  assert.deepEqual(listing.directories, [dir, join(dir, 'b-apps')]);
}));

test('skips other extensions, acme.json included, and the ..data entries of a ConfigMap mount', () => withTempDir(async (dir) => {
  await writeFile(join(dir, 'acme.json'), '{"le": {"Certificates": []}}');
  await writeFile(join(dir, 'README.md'), '# notes');
  await mkdir(join(dir, '..2024_01_01'));
  await writeFile(join(dir, '..2024_01_01', 'a.yml'), '');
  await symlink('..2024_01_01', join(dir, '..data'));
  await symlink(join('..data', 'a.yml'), join(dir, 'a.yml'));
  const listing = await listConfigFiles(dir);
  assert.deepEqual(listing.files, [join(dir, 'a.yml')]);
}));

test('the first file defining a name wins; the later definition is a warning on the kept item', () => withTempDir(async (dir) => {
  await writeFile(join(dir, 'a.yml'), 'http: {routers: {api: {rule: "Host(`a`)", service: one}}}');
  await writeFile(join(dir, 'b.yml'), 'http: {routers: {api: {rule: "Host(`b`)", service: two}}}');
  const snapshot = await readDirectory(dir);
  assert.equal(snapshot.config.http.routers['api']?.service, 'one');
  assert.deepEqual(snapshot.diagnostics, [{
    severity: 'warning', code: 'FILE_DUPLICATE_ITEM', resource: 'api@file', path: 'http.routers.api',
    message: `HTTP router already configured in ${join(dir, 'a.yml')}, skipping the definition in ${join(dir, 'b.yml')}`,
  }]);
}));

test('a file that does not parse on the first read contributes nothing, the others still load', () => withTempDir(async (dir) => {
  await writeFile(join(dir, 'a.yml'), 'http: {routers: {api: {rule: "Host(`a`)", service: one}}}');
  await writeFile(join(dir, 'b.yml'), 'http: [unclosed');
  const snapshot = await readDirectory(dir);
  assert.deepEqual(Object.keys(snapshot.config.http.routers), ['api']);
  const error = snapshot.diagnostics.find((d) => d.severity === 'error');
  assert.equal(error?.source?.file, join(dir, 'b.yml'));
  assert.equal(error?.source?.line, 1);
}));
