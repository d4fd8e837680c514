import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '../../config/snapshot.ts';
import { createFileProvider, type FileProvider, type FileReload } from './file-provider.ts';
import { createTempConfigDirectory, waitForReload } from './temp-config-directory.ts';

const routerYaml = (name: string) => `
http:
  routers:
    ${name}:
      rule: Host(\`${name}.example.com\`)
      service: ${name}
`;

const routers = (snapshot: Snapshot) => Object.keys(snapshot.config.http.routers).sort();
const hasRouters = (...names: string[]) => (r: FileReload) => JSON.stringify(routers(r.snapshot)) === JSON.stringify(names.sort());

/** Starts a watching provider on `options`; resolves once its first read is done. */
async function start(options: { filename?: string; directory?: string }) {
  const provider = createFileProvider({ ...options, watch: true, debounceMs: 20 });
  const emitted: Snapshot[] = [];
  const stop = new AbortController();
  const first = waitForReload(provider);
  const running = provider.run((s) => emitted.push(s), stop.signal);
  await first;
  return {
    provider, emitted,
    async stop() {
      stop.abort();
      await running;
    },
  };
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await createTempConfigDirectory();
  try {
    await fn(dir.path);
  } finally {
    await dir.remove();
  }
}

test('an edited file is read again and emitted', { timeout: 10_000 }, () => withTempDir(async (dir) => {
  const file = join(dir, 'dynamic.yml');
  await writeFile(file, routerYaml('one'));
  const run = await start({ filename: file });
  try {
    assert.deepEqual(routers(run.emitted[0]!), ['one']);
    const reloaded = waitForReload(run.provider, hasRouters('two'));
    await writeFile(file, routerYaml('two'));
    const reload = await reloaded;
    assert.equal(reload.cause, 'change');
    assert.deepEqual(routers(run.emitted.at(-1)!), ['two']);
  } finally {
    await run.stop();
  }
}));

test('a file that stops parsing keeps its previous contents and reports the line', { timeout: 10_000 }, () => withTempDir(async (dir) => {
  const file = join(dir, 'dynamic.yml');
  await writeFile(file, routerYaml('one'));
  const run = await start({ filename: file });
  try {
    const broken = waitForReload(run.provider, (r) => r.snapshot.diagnostics.length > 0);
    await writeFile(file, 'http:\n  routers:\n    one: {rule: "Host(`a`)"\n  services: [\n');
    const { snapshot } = await broken;
    assert.deepEqual(routers(snapshot), ['one'], 'previous contents stay in effect');
    const parseError = snapshot.diagnostics.find((d) => d.severity === 'error');
    assert.ok(parseError, JSON.stringify(snapshot.diagnostics));
    assert.equal(parseError.source?.file, file);
    assert.ok((parseError.source?.line ?? 0) >= 3, `line of the syntax error: ${JSON.stringify(parseError.source)}`);
    assert.ok(snapshot.diagnostics.some((d) => d.code === 'FILE_PREVIOUS_CONTENTS_KEPT'));

    const fixed = waitForReload(run.provider, (r) => r.snapshot.diagnostics.length === 0);
    await writeFile(file, routerYaml('two'));
    assert.deepEqual(routers((await fixed).snapshot), ['two']);
  } finally {
    await run.stop();
  }
}));

test('items that parse but are invalid are rejected one by one, the rest stays', { timeout: 10_000 }, () => withTempDir(async (dir) => {
  const file = join(dir, 'dynamic.yml');
  await writeFile(file, routerYaml('one'));
  const run = await start({ filename: file });
  try {
    const next = waitForReload(run.provider, (r) => r.snapshot.rejected.length > 0);
    await writeFile(file, `${routerYaml('one')}    bad:\n      rule: Host(\`b\`)\n      priority: high\n`);
    const { snapshot } = await next;
    assert.deepEqual(routers(snapshot), ['one']);
    assert.deepEqual(snapshot.rejected.map((r) => r.name), ['bad']);
  } finally {
    await run.stop();
  }
}));

/**
 * Builds a directory laid out as the kubelet mounts a ConfigMap: the data in a timestamped
 * directory, `..data` pointing at it, and each key a symlink through `..data`.
 */
async function mountConfigMap(dir: string, version: string, files: Record<string, string>, first: boolean): Promise<void> {
  const data = join(dir, `..${version}`);
  await mkdir(data);
  for (const [name, text] of Object.entries(files)) await writeFile(join(data, name), text);
  await symlink(`..${version}`, join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  if (first) for (const name of Object.keys(files)) await symlink(join('..data', name), join(dir, name));
}

test('a ConfigMap update (the ..data symlink swapped) is seen through a watched filename', { timeout: 10_000 }, () => withTempDir(async (dir) => {
  await mountConfigMap(dir, '2024_01_01_00_00_00.1', { 'dynamic.yml': routerYaml('one') }, true);
  const run = await start({ filename: join(dir, 'dynamic.yml') });
  try {
    assert.deepEqual(routers(run.emitted[0]!), ['one']);
    const swapped = waitForReload(run.provider, hasRouters('two'));
    await mountConfigMap(dir, '2024_01_01_00_01_00.2', { 'dynamic.yml': routerYaml('two') }, false);
    await rm(join(dir, '..2024_01_01_00_00_00.1'), { recursive: true });
    await swapped;
  } finally {
    await run.stop();
  }
}));

test('a ConfigMap mounted as a directory is read once, without its private ..data copies', { timeout: 10_000 }, () => withTempDir(async (dir) => {
  await mountConfigMap(dir, '2024_01_01_00_00_00.1', { 'a.yml': routerYaml('one'), 'b.yml': routerYaml('two') }, true);
  const run = await start({ directory: dir });
  try {
    assert.deepEqual(routers(run.emitted[0]!), ['one', 'two']);
    assert.deepEqual(run.emitted[0]!.diagnostics, [], 'no "already configured" warnings from ..<timestamp>/');
    const swapped = waitForReload(run.provider, hasRouters('one', 'three'));
    await mountConfigMap(dir, '2024_01_01_00_01_00.2', { 'a.yml': routerYaml('one'), 'b.yml': routerYaml('three') }, false);
    await swapped;
  } finally {
    await run.stop();
  }
}));

test('files added to and removed from a watched directory are picked up', { timeout: 10_000 }, () => withTempDir(async (dir) => {
  await writeFile(join(dir, 'a.yml'), routerYaml('one'));
  const run = await start({ directory: dir });
  try {
    const added = waitForReload(run.provider, hasRouters('one', 'two'));
    await writeFile(join(dir, 'b.yaml'), routerYaml('two'));
    await added;
    const removed = waitForReload(run.provider, hasRouters('two'));
    await rm(join(dir, 'a.yml'));
    await removed;
  } finally {
    await run.stop();
  }
}));

test('a change in a subdirectory is picked up', { timeout: 10_000 }, () => withTempDir(async (dir) => {
  await mkdir(join(dir, 'apps'));
  await writeFile(join(dir, 'apps', 'a.yml'), routerYaml('one'));
  const run = await start({ directory: dir });
  try {
    const edited = waitForReload(run.provider, hasRouters('two'));
    await writeFile(join(dir, 'apps', 'a.yml'), routerYaml('two'));
    await edited;
  } finally {
    await run.stop();
  }
}));

test('a directory created after start is read once it appears', { timeout: 10_000 }, () => withTempDir(async (dir) => {
  const later = join(dir, 'later');
  const provider: FileProvider = createFileProvider({ directory: later, watch: true, debounceMs: 10, retryMs: 20 });
  const stop = new AbortController();
  const first = waitForReload(provider);
  const running = provider.run(() => {}, stop.signal);
  try {
    assert.equal((await first).snapshot.diagnostics[0]?.code, 'FILE_DIRECTORY_NOT_READABLE');
    const appeared = waitForReload(provider, hasRouters('one'));
    await mkdir(later);
    await writeFile(join(later, 'a.yml'), routerYaml('one'));
    await appeared;
  } finally {
    stop.abort();
    await running;
  }
}));

test('nothing is emitted after the provider stops', { timeout: 10_000 }, () => withTempDir(async (dir) => {
  const file = join(dir, 'dynamic.yml');
  await writeFile(file, routerYaml('one'));
  const run = await start({ filename: file });
  await run.stop();
  const count = run.emitted.length;
  await writeFile(file, routerYaml('two'));
  // The watchers are closed and the debounce timer cleared: nothing can read again.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(run.emitted.length, count);
}));
