/**
 * The file provider (`providers.file`): reads one file or a directory of files, emits a
 * snapshot, and with `watch` re-reads everything after a change (debounced) and emits again.
 *
 * It watches directories, never file inodes (see watch-set.ts), and emits a `reload` event
 * after each read so tests and tools can wait for it instead of sleeping.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../../lib/clock.ts';
import type { Provider, Snapshot } from '../../config/snapshot.ts';
import { emptyDynamicConfig } from '../../config/dynamic.ts';
import { createFileReader, type FileRead } from './file-reader.ts';
import { createWatchSet, watchDirectoryWithFs, type WatchDirectory } from './watch-set.ts';

/** Timers the provider debounces and retries with (the injected clock). */
export type FileProviderTimers = Pick<Clock, 'setTimeout' | 'clearTimeout'>;

/** `providers.file` plus the test hooks. */
export interface FileProviderOptions {
  /** One file to read (ignored when `directory` is set, as in Traefik). */
  readonly filename?: string;
  /** A directory whose `.yml`, `.yaml` and `.toml` files are read, subdirectories included. */
  readonly directory?: string;
  /** Re-read on changes (Traefik's default is true). */
  readonly watch: boolean;
  /** Quiet time after the last change before re-reading; default 100 ms. */
  readonly debounceMs?: number;
  /** While a watched directory cannot be watched (e.g. missing), how often to look again; default 2000 ms. */
  readonly retryMs?: number;
  readonly clock?: FileProviderTimers;
  /** How a directory is watched; `fs.watch` by default (tests may drive it by hand). */
  readonly watchDirectory?: WatchDirectory;
}

/** What one read produced. */
export interface FileReload {
  readonly snapshot: Snapshot;
  /** Files whose contents are in the snapshot, in merge order. */
  readonly files: readonly string[];
  /** False when the snapshot equals the previous one (then it was not emitted again). */
  readonly changed: boolean;
  /** What triggered the read. */
  readonly cause: 'initial' | 'change' | 'retry';
}

/** The file provider: a Provider that also reports each read as a `reload` event. */
export interface FileProvider extends Provider {
  on(event: 'reload', listener: (reload: FileReload) => void): this;
  once(event: 'reload', listener: (reload: FileReload) => void): this;
  off(event: 'reload', listener: (reload: FileReload) => void): this;
}

const providerName = 'file';

/** Creates the file provider. */
export function createFileProvider(options: FileProviderOptions): FileProvider {
  const debounceMs = options.debounceMs ?? 100;
  const retryMs = options.retryMs ?? 2000;
  const clock: FileProviderTimers = options.clock ?? {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  const events = new EventEmitter();
  const reader = createFileReader({ provider: providerName, ...pick(options) });
  let started = false;

  const provider: FileProvider = {
    name: providerName,
    on(event, listener) { events.on(event, listener); return provider; },
    once(event, listener) { events.once(event, listener); return provider; },
    off(event, listener) { events.off(event, listener); return provider; },

    async run(emit, signal) {
      if (started) throw new Error('the file provider is already running');
      started = true;
      if (signal.aborted) return;

      let stopped = false;
      let lastEmitted: string | undefined;
      let lastSnapshot: Snapshot | undefined;
      let timer: { handle: unknown; cause: FileReload['cause'] } | undefined;
      let inFlight: Promise<void> | undefined;
      let again: FileReload['cause'] | undefined;
      const watchSet = options.watch ? createWatchSet(options.watchDirectory ?? watchDirectoryWithFs, () => schedule(debounceMs, 'change')) : undefined;

      function schedule(delay: number, cause: FileReload['cause']): void {
        if (stopped) return;
        // A change cancels a pending retry; a retry never delays a pending change.
        if (timer !== undefined) {
          if (cause === 'retry' && timer.cause === 'change') return;
          clock.clearTimeout(timer.handle);
        }
        timer = { cause, handle: clock.setTimeout(() => { timer = undefined; trigger(cause); }, delay) };
      }

      function trigger(cause: FileReload['cause']): void {
        if (stopped) return;
        if (inFlight) {
          again = again === 'change' ? again : cause;
          return;
        }
        inFlight = readAndEmit(cause).then((reload) => {
          inFlight = undefined;
          const next = again;
          again = undefined;
          if (next !== undefined) schedule(debounceMs, next);
          // Reported once the provider is idle again, so a listener may trigger the next read.
          if (reload !== undefined) events.emit('reload', reload);
        });
      }

      async function readAndEmit(cause: FileReload['cause']): Promise<FileReload | undefined> {
        let read: FileRead | undefined;
        let failure: FileRead | undefined;
        try {
          read = await reader.read();
        } catch (error) {
          // A bug, not a user mistake: keep what was in effect and say so, rather than stop watching.
          failure = failedRead(lastSnapshot, error);
        }
        read ??= failure!;
        if (stopped) return undefined;
        lastSnapshot = read.snapshot;
        const key = JSON.stringify(read.snapshot);
        const changed = key !== lastEmitted;
        if (changed) {
          lastEmitted = key;
          emit(read.snapshot);
        }
        if (watchSet && failure === undefined) {
          const { added, failed } = watchSet.sync(read.watchTargets);
          // A directory watched only now may have changed since it was listed: look again.
          if (cause !== 'initial' && added.length > 0) schedule(debounceMs, 'change');
          if (failed.length > 0) schedule(retryMs, 'retry');
        }
        return { snapshot: read.snapshot, files: read.files, changed, cause };
      }

      // Watch the top directory before the first read so a change during it is not missed.
      watchSet?.sync(reader.initialWatchTargets());
      trigger('initial');
      await inFlight;
      if (!watchSet) return;

      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer.handle);
      watchSet.close();
      await inFlight;
    },
  };
  return provider;
}

function failedRead(previous: Snapshot | undefined, error: unknown): FileRead {
  const base = previous ?? { provider: providerName, config: emptyDynamicConfig(), rejected: [], diagnostics: [] };
  const diagnostic = {
    severity: 'error' as const, code: 'FILE_PROVIDER_FAILURE', resource: 'providers.file', path: '',
    message: `reading the configuration failed unexpectedly, the previous configuration stays in effect: ${error instanceof Error ? error.message : String(error)}`,
  };
  const diagnostics = [...base.diagnostics.filter((d) => d.code !== diagnostic.code), diagnostic];
  return { snapshot: { ...base, diagnostics }, files: [], watchTargets: [] };
}

function pick(options: FileProviderOptions): { filename?: string; directory?: string } {
  return {
    ...(options.filename === undefined ? {} : { filename: options.filename }),
    ...(options.directory === undefined ? {} : { directory: options.directory }),
  };
}
