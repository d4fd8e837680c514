import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManualClock } from '../../lib/manual-clock.ts';
import { watchDirectoryWithFs, type WatchDirectory } from '../../providers/file/watch-set.ts';
import { watchFiles } from './watch-files.ts';

/** fs.watch, with every raw event also reported to the test (which waits for them instead of sleeping). */
function observedFs() {
  const events = new EventEmitter();
  const watchDirectory: WatchDirectory = (directory, onEvent, onError) => watchDirectoryWithFs(directory, (name) => {
    onEvent(name);
    events.emit('event', name);
  }, onError);
  const nextEvent = (accept: (name: string | null) => boolean) => new Promise<void>((resolve) => {
    const listener = (name: string | null) => {
      if (!accept(name)) return;
      events.off('event', listener);
      resolve();
    };
    events.on('event', listener);
  });
  return { watchDirectory, nextEvent };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-tls-watch-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function start(paths: string[]) {
  const clock = createManualClock();
  const fs = observedFs();
  let changes = 0;
  const watch = watchFiles(paths, () => { changes++; }, clock, { debounceMs: 100, retryMs: 1000, watchDirectory: fs.watchDirectory });
  return { clock, nextEvent: fs.nextEvent, watch, changes: () => changes };
}

test('an edited file is reported once, after the quiet time', { timeout: 10_000 }, () => withDir(async (dir) => {
  const file = join(dir, 'tls.crt');
  await writeFile(file, 'one');
  const run = start([file]);
  try {
    const seen = run.nextEvent((name) => name === 'tls.crt');
    await writeFile(file, 'two');
    await seen;
    run.clock.advance(99);
    assert.equal(run.changes(), 0);
    run.clock.advance(1);
    assert.equal(run.changes(), 1);
  } finally {
    run.watch.close();
  }
}));

test('a file replaced by renaming another over it is reported', { timeout: 10_000 }, () => withDir(async (dir) => {
  const file = join(dir, 'tls.key');
  await writeFile(file, 'one');
  const run = start([file]);
  try {
    const seen = run.nextEvent((name) => name === 'tls.key');
    await writeFile(join(dir, '.tls.key.new'), 'two');
    await rename(join(dir, '.tls.key.new'), file);
    await seen;
    run.clock.advance(100);
    assert.equal(run.changes(), 1);
  } finally {
    run.watch.close();
  }
}));

/** A Kubernetes Secret volume: files in a timestamped directory, `..data` pointing at it, each key a symlink through `..data`. */
async function mountSecret(dir: string, version: string, files: Record<string, string>, first: boolean): Promise<void> {
  await mkdir(join(dir, `..${version}`));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, `..${version}`, name), text);
  await symlink(`..${version}`, join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  if (first) for (const name of Object.keys(files)) await symlink(join('..data', name), join(dir, name));
}

test('a Secret volume update (the ..data symlink swapped) is reported', { timeout: 10_000 }, () => withDir(async (dir) => {
  await mountSecret(dir, '2030_01_01.1', { 'tls.crt': 'one' }, true);
  const run = start([join(dir, 'tls.crt')]);
  try {
    const swapped = run.nextEvent((name) => name === '..data');
    await mountSecret(dir, '2030_01_02.2', { 'tls.crt': 'two' }, false);
    await swapped;
    run.clock.advance(100);
    assert.equal(run.changes(), 1);
  } finally {
    run.watch.close();
  }
}));

test('a symlink to a file in another directory is reported when the target changes', { timeout: 10_000 }, () => withDir(async (dir) => {
  await mkdir(join(dir, 'real'));
  await mkdir(join(dir, 'links'));
  await writeFile(join(dir, 'real', 'site.pem'), 'one');
  await symlink(join(dir, 'real', 'site.pem'), join(dir, 'links', 'tls.crt'));
  const run = start([join(dir, 'links', 'tls.crt')]);
  try {
    const seen = run.nextEvent((name) => name === 'site.pem');
    await writeFile(join(dir, 'real', 'site.pem'), 'two');
    await seen;
    run.clock.advance(100);
    assert.equal(run.changes(), 1);
  } finally {
    run.watch.close();
  }
}));

test('other files in the directory do not count', { timeout: 10_000 }, () => withDir(async (dir) => {
  const file = join(dir, 'tls.crt');
  await writeFile(file, 'one');
  const run = start([file]);
  try {
    const seen = run.nextEvent((name) => name === 'notes.txt');
    await writeFile(join(dir, 'notes.txt'), 'unrelated');
    await seen;
    assert.equal(run.clock.pending(), 0, 'nothing scheduled');
  } finally {
    run.watch.close();
  }
}));

test('a directory that does not exist yet is looked at again, and reported once it appears', { timeout: 10_000 }, () => withDir(async (dir) => {
  const file = join(dir, 'later', 'tls.crt');
  const run = start([file]);
  try {
    assert.equal(run.clock.pending(), 1, 'a retry is scheduled');
    await mkdir(join(dir, 'later'));
    await writeFile(file, 'one');
    run.clock.advance(1000);
    run.clock.advance(100);
    assert.equal(run.changes(), 1);
  } finally {
    run.watch.close();
  }
}));

test('close cancels a pending callback and stops watching', { timeout: 10_000 }, () => withDir(async (dir) => {
  const file = join(dir, 'tls.crt');
  await writeFile(file, 'one');
  const run = start([file]);
  const seen = run.nextEvent((name) => name === 'tls.crt');
  await writeFile(file, 'two');
  await seen;
  run.watch.close();
  assert.equal(run.clock.pending(), 0);
  run.clock.advance(1000);
  assert.equal(run.changes(), 0);
}));
