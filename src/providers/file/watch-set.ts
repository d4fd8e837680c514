/**
 * The set of directories the file provider watches, kept in step with what the last read
 * found. Directories, not files: a Kubernetes ConfigMap update swaps the `..data` symlink and
 * never touches the inode of the file a user named, and editors replace files by renaming.
 */
import { statSync, watch } from 'node:fs';

/** Starts watching one directory; throws when it cannot (e.g. it does not exist). */
export type WatchDirectory = (
  directory: string,
  onEvent: (fileName: string | null) => void,
  onError: (error: Error) => void,
) => { close(): void };

/** `fs.watch` on a directory (not recursive: subdirectories are watched one by one). */
export const watchDirectoryWithFs: WatchDirectory = (directory, onEvent, onError) => {
  const watcher = watch(directory, { persistent: true }, (_event, fileName) => onEvent(fileName === null ? null : String(fileName)));
  watcher.on('error', onError);
  return watcher;
};

/** One directory to watch, and which of its events matter. */
export interface WatchTarget {
  readonly directory: string;
  /** True for the events that should trigger a reload; every event when absent. */
  readonly accepts?: (fileName: string | null) => boolean;
}

/** What changed in the watch set. */
export interface WatchSyncResult {
  /** Directories watched from now on that were not watched before. */
  readonly added: readonly string[];
  /** Directories that could not be watched (e.g. missing). */
  readonly failed: readonly string[];
}

/** The directories being watched. */
export interface WatchSet {
  /** Watches exactly `targets` from now on. */
  sync(targets: readonly WatchTarget[]): WatchSyncResult;
  /** Stops every watcher. */
  close(): void;
}

interface Entry {
  close(): void;
  accepts: WatchTarget['accepts'];
  /** The directory's inode when the watch started: a directory replaced by another is watched anew. */
  readonly ino: number | undefined;
}

function inodeOf(directory: string): number | undefined {
  try {
    return statSync(directory).ino;
  } catch {
    return undefined;
  }
}

/** Creates a watch set calling `onChange` for every accepted event. */
export function createWatchSet(watchDirectory: WatchDirectory, onChange: () => void): WatchSet {
  const watchers = new Map<string, Entry>();

  function stop(directory: string): void {
    watchers.get(directory)?.close();
    watchers.delete(directory);
  }

  return {
    sync(targets) {
      const wanted = new Map(targets.map((target) => [target.directory, target]));
      for (const directory of [...watchers.keys()]) if (!wanted.has(directory)) stop(directory);
      const failed: string[] = [];
      const added: string[] = [];
      for (const target of wanted.values()) {
        const ino = inodeOf(target.directory);
        const current = watchers.get(target.directory);
        if (current && current.ino === ino) {
          current.accepts = target.accepts;
          continue;
        }
        if (current) stop(target.directory);
        try {
          const entry: Entry = { close: () => {}, accepts: target.accepts, ino };
          const watcher = watchDirectory(target.directory, (fileName) => {
            if (entry.accepts === undefined || entry.accepts(fileName)) onChange();
          }, () => {
            // The directory went away or the watch broke: forget it and let the next read decide.
            if (watchers.get(target.directory) === entry) stop(target.directory);
            onChange();
          });
          entry.close = () => watcher.close();
          watchers.set(target.directory, entry);
          added.push(target.directory);
        } catch {
          failed.push(target.directory);
        }
      }
      return { added, failed };
    },
    close() {
      for (const directory of [...watchers.keys()]) stop(directory);
    },
  };
}
