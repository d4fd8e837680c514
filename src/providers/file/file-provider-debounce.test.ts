import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createManualClock } from '../../lib/manual-clock.ts';
import { createFileProvider, type FileReload } from './file-provider.ts';
import { createTempConfigDirectory, waitForReload } from './temp-config-directory.ts';
import type { WatchDirectory } from './watch-set.ts';

/** A watcher the test fires by hand. */
function handWatcher() {
  const listeners = new Map<string, (fileName: string | null) => void>();
  const watchDirectory: WatchDirectory = (directory, onEvent) => {
    listeners.set(directory, onEvent);
    return { close: () => listeners.delete(directory) };
  };
  return { watchDirectory, fire: (directory: string, fileName: string | null) => listeners.get(directory)?.(fileName), listeners };
}

test('a burst of events is read once, after the quiet time', async () => {
  const dir = await createTempConfigDirectory();
  const clock = createManualClock();
  const watcher = handWatcher();
  const file = join(dir.path, 'dynamic.yml');
  await writeFile(file, 'http: {routers: {one: {rule: "Host(`a`)", service: s}}}');
  const provider = createFileProvider({ filename: file, watch: true, debounceMs: 100, clock, watchDirectory: watcher.watchDirectory });
  const reloads: FileReload[] = [];
  provider.on('reload', (r) => reloads.push(r));
  const stop = new AbortController();
  const first = waitForReload(provider);
  const running = provider.run(() => {}, stop.signal);
  try {
    await first;
    assert.deepEqual([...watcher.listeners.keys()], [dir.path]);
    await writeFile(file, 'http: {routers: {two: {rule: "Host(`b`)", service: s}}}');
    for (let i = 0; i < 5; i++) {
      watcher.fire(dir.path, 'dynamic.yml');
      clock.advance(50);
    }
    assert.equal(reloads.length, 1, 'still inside the quiet time');
    const second = waitForReload(provider);
    clock.advance(50);
    const reload = await second;
    assert.equal(reloads.length, 2);
    assert.equal(reload.cause, 'change');
    assert.deepEqual(Object.keys(reload.snapshot.config.http.routers), ['two']);
  } finally {
    stop.abort();
    await running;
    await dir.remove();
  }
});

test('events about other files of the directory are ignored for a watched filename', async () => {
  const dir = await createTempConfigDirectory();
  const clock = createManualClock();
  const watcher = handWatcher();
  const file = join(dir.path, 'dynamic.yml');
  await writeFile(file, '');
  const provider = createFileProvider({ filename: file, watch: true, debounceMs: 100, clock, watchDirectory: watcher.watchDirectory });
  const stop = new AbortController();
  const first = waitForReload(provider);
  const running = provider.run(() => {}, stop.signal);
  try {
    await first;
    watcher.fire(dir.path, 'traefik.log');
    watcher.fire(dir.path, 'dynamic.yml.swp');
    assert.equal(clock.pending(), 0);
    watcher.fire(dir.path, '..data');
    assert.equal(clock.pending(), 1, 'a ConfigMap swap counts');
  } finally {
    stop.abort();
    await running;
    await dir.remove();
  }
});

test('an unchanged file is not emitted again, but the read is still reported', async () => {
  const dir = await createTempConfigDirectory();
  const clock = createManualClock();
  const watcher = handWatcher();
  const file = join(dir.path, 'dynamic.yml');
  await writeFile(file, 'http: {routers: {one: {rule: "Host(`a`)", service: s}}}');
  const provider = createFileProvider({ filename: file, watch: true, debounceMs: 10, clock, watchDirectory: watcher.watchDirectory });
  let emitted = 0;
  const stop = new AbortController();
  const first = waitForReload(provider);
  const running = provider.run(() => { emitted++; }, stop.signal);
  try {
    await first;
    const again = waitForReload(provider);
    watcher.fire(dir.path, 'dynamic.yml');
    clock.advance(10);
    assert.equal((await again).changed, false);
    assert.equal(emitted, 1);
  } finally {
    stop.abort();
    await running;
    await dir.remove();
  }
});
