/**
 * Watches certificate, key and CA files and calls back (debounced) when one changes, so the TLS
 * manager can be rebuilt.
 *
 * Uses the file provider's watch set (providers/file/watch-set.ts) and its rule: directories are
 * watched, never file inodes, because editors and cert-manager replace files by renaming over
 * them and a Kubernetes Secret or ConfigMap volume swaps its `..data` symlink without touching
 * the file's own name. In each file's directory the events for its name and for the `..`
 * entries count; when the file is a symlink to a file in another directory (not a `..data`
 * one), that directory is watched for the target's name too. After each change the targets are
 * worked out again (a symlink may now point elsewhere). A directory that does not exist yet is
 * looked at again every `retryMs`, and a change is reported once it can be watched.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import { createWatchSet, watchDirectoryWithFs, type WatchDirectory, type WatchTarget } from '../../providers/file/watch-set.ts';

export interface WatchFilesOptions {
  /** Quiet time after the last event before calling back; 100 ms by default. */
  readonly debounceMs?: number;
  /** How often to try again to watch a directory that cannot be watched; 2000 ms by default. */
  readonly retryMs?: number;
  /** How a directory is watched; fs.watch by default. */
  readonly watchDirectory?: WatchDirectory;
}

/** A running watch; `close` stops it and cancels a pending callback. */
export interface FileWatch {
  close(): void;
}

/** Watches `paths`; `onChange` runs once per burst of changes. */
export function watchFiles(paths: readonly string[], onChange: () => void, clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>, options: WatchFilesOptions = {}): FileWatch {
  const debounceMs = options.debounceMs ?? 100;
  const retryMs = options.retryMs ?? 2000;
  let closed = false;
  let debounce: TimerHandle | undefined;
  let retry: TimerHandle | undefined;

  const watchSet = createWatchSet(options.watchDirectory ?? watchDirectoryWithFs, () => changed());

  function changed(): void {
    if (closed) return;
    if (debounce !== undefined) clock.clearTimeout(debounce);
    debounce = clock.setTimeout(() => {
      debounce = undefined;
      if (closed) return;
      sync();
      onChange();
    }, debounceMs);
  }

  /** Watches the current targets; returns whether some directory could not be watched. */
  function sync(): boolean {
    const { failed } = watchSet.sync(targetsOf(paths));
    if (failed.length > 0 && retry === undefined) {
      retry = clock.setTimeout(() => {
        retry = undefined;
        if (closed) return;
        // A directory that can be watched now may already hold the file: report it.
        if (!sync()) changed();
      }, retryMs);
    }
    return failed.length > 0;
  }

  sync();
  return {
    close() {
      closed = true;
      if (debounce !== undefined) clock.clearTimeout(debounce);
      if (retry !== undefined) clock.clearTimeout(retry);
      watchSet.close();
    },
  };
}

/** The directories to watch for `paths`, merged per directory. */
function targetsOf(paths: readonly string[]): WatchTarget[] {
  const names = new Map<string, { names: Set<string>; dotEntries: boolean }>();
  const add = (directory: string, name: string, dotEntries: boolean) => {
    let entry = names.get(directory);
    if (entry === undefined) names.set(directory, entry = { names: new Set(), dotEntries: false });
    entry.names.add(name);
    entry.dotEntries ||= dotEntries;
  };
  for (const path of paths) {
    const absolute = resolve(path);
    add(dirname(absolute), basename(absolute), true);
    let real: string | undefined;
    try {
      real = realpathSync(absolute);
    } catch {
      real = undefined;
    }
    // A symlink to a file elsewhere changes there; `..data/…` targets are covered by the swap.
    if (real !== undefined && dirname(real) !== dirname(absolute) && !basename(dirname(real)).startsWith('..')) {
      add(dirname(real), basename(real), false);
    }
  }
  return [...names].map(([directory, entry]) => ({
    directory,
    accepts: (fileName: string | null) => fileName === null || entry.names.has(fileName) || (entry.dotEntries && fileName.startsWith('..')),
  }));
}
