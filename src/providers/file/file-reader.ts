/**
 * Reads the file provider's configuration from disk and keeps, per file, its last contents that
 * parsed: a file that stops parsing keeps those contents in effect (with the parse diagnostic
 * and a warning saying so) while every other file moves on — DESIGN.md "Deliberate
 * differences" (Traefik keeps the whole previous configuration instead).
 */
import { readFile, realpath } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Diagnostic } from '../../config/diagnostics.ts';
import { parseDynamicFile } from '../../config/dynamic.ts';
import type { Snapshot } from '../../config/snapshot.ts';
import { combineFileConfigs, type FileContents } from './combine-file-configs.ts';
import { translateLegacyFile } from './legacy-v1/translate-legacy-file.ts';
import { listConfigFiles } from './list-config-files.ts';
import type { WatchTarget } from './watch-set.ts';

/** Where the file provider reads from. */
export interface FileReaderOptions {
  /** The provider name used as qualifier (`file`). */
  readonly provider: string;
  readonly filename?: string;
  readonly directory?: string;
}

/** One read of the configuration. */
export interface FileRead {
  readonly snapshot: Snapshot;
  /** Files whose contents are in the snapshot, in merge order. */
  readonly files: readonly string[];
  /** Directories to watch for the next change. */
  readonly watchTargets: readonly WatchTarget[];
}

/** Reads the configuration, remembering each file's last good contents. */
export interface FileReader {
  read(): Promise<FileRead>;
  /** What to watch before the first read: the directory, or the named file's directory. */
  initialWatchTargets(): WatchTarget[];
}

/** Creates a reader for `options.directory` (preferred, as in Traefik) or `options.filename`. */
export function createFileReader(options: FileReaderOptions): FileReader {
  const { provider } = options;
  const lastGood = new Map<string, FileContents>();

  function problem(severity: Diagnostic['severity'], code: string, resource: string, message: string): Diagnostic {
    return { severity, code, resource, path: '', message };
  }

  /** Reads and parses one file; falls back to its last good contents when it cannot. */
  async function readOne(file: string, diagnostics: Diagnostic[], vanishedMeansGone: boolean): Promise<FileContents | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      if (err.code === 'ENOENT' && vanishedMeansGone) {
        // Removed between listing and reading: it is gone, the next event re-lists.
        lastGood.delete(file);
        return undefined;
      }
      const code = err.code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_READ_ERROR';
      diagnostics.push(problem('error', code, file, `error reading configuration file: ${file} - ${err.message}`));
      return keepPrevious(file, diagnostics, 'could not be read');
    }
    // Traefik 1.x files ([frontends], [backends]) are translated to the v3 shape first.
    const parsed = parseDynamicFile(text, file, { rewrite: translateLegacyFile });
    if (!parsed.ok) {
      diagnostics.push(...parsed.diagnostics);
      return keepPrevious(file, diagnostics, 'does not parse');
    }
    const contents: FileContents = { file, config: parsed.config, rejected: parsed.rejected, diagnostics: parsed.diagnostics, locators: parsed.locators };
    lastGood.set(file, contents);
    return contents;
  }

  function keepPrevious(file: string, diagnostics: Diagnostic[], reason: string): FileContents | undefined {
    const previous = lastGood.get(file);
    if (previous) {
      diagnostics.push(problem('warning', 'FILE_PREVIOUS_CONTENTS_KEPT', file,
        `${file} ${reason}; its previous contents stay in effect until it is fixed`));
    }
    return previous;
  }

  async function readDirectory(directory: string, diagnostics: Diagnostic[]): Promise<{ files: string[]; targets: WatchTarget[] }> {
    const listing = await listConfigFiles(directory);
    for (const { directory: dir, error } of listing.failures) {
      diagnostics.push(problem('error', dir === directory ? 'FILE_DIRECTORY_NOT_READABLE' : 'FILE_SUBDIRECTORY_NOT_READABLE', dir,
        `unable to read directory ${dir}: ${error.message}`));
    }
    const rootFailed = listing.failures.some((failure) => failure.directory === directory);
    // A directory that cannot be read at all keeps every file's previous contents (Traefik keeps
    // the previous configuration when the watched directory disappears).
    const files = rootFailed ? [...lastGood.keys()] : [...listing.files];
    if (!rootFailed) for (const file of [...lastGood.keys()]) if (!files.includes(file)) lastGood.delete(file);
    const targets = rootFailed ? [{ directory }] : listing.directories.map((dir) => ({ directory: dir }));
    return { files, targets };
  }

  function fileDirectoryTarget(filename: string): WatchTarget {
    const name = basename(filename);
    // Only the named file matters in its directory, and the private `..data` swaps of a
    // Kubernetes ConfigMap mount, which replace it without touching its name.
    return {
      directory: dirname(resolve(filename)),
      accepts: (fileName) => fileName === null || fileName === name || fileName.startsWith('..'),
    };
  }

  async function fileTargets(filename: string): Promise<WatchTarget[]> {
    const targets: WatchTarget[] = [fileDirectoryTarget(filename)];
    const real = await realpath(filename).catch(() => undefined);
    if (real !== undefined && dirname(real) !== targets[0]!.directory && !basename(dirname(real)).startsWith('..')) {
      // A symlink to a file elsewhere: its target changes there.
      const realName = basename(real);
      targets.push({ directory: dirname(real), accepts: (fileName) => fileName === null || fileName === realName });
    }
    return targets;
  }

  const useDirectory = options.directory !== undefined && options.directory !== '';
  const useFile = !useDirectory && options.filename !== undefined && options.filename !== '';

  return {
    initialWatchTargets() {
      if (useDirectory) return [{ directory: options.directory! }];
      return useFile ? [fileDirectoryTarget(options.filename!)] : [];
    },

    async read() {
      const diagnostics: Diagnostic[] = [];
      let files: string[];
      let targets: WatchTarget[];
      if (useDirectory) {
        ({ files, targets } = await readDirectory(options.directory!, diagnostics));
      } else if (useFile) {
        files = [options.filename!];
        targets = await fileTargets(options.filename!);
      } else {
        files = [];
        targets = [];
        diagnostics.push(problem('error', 'FILE_PROVIDER_NOT_CONFIGURED', 'providers.file',
          'error using file configuration provider, neither filename nor directory is defined'));
      }
      const contents: FileContents[] = [];
      for (const file of files) {
        const one = await readOne(file, diagnostics, useDirectory);
        if (one) contents.push(one);
      }
      const combined = combineFileConfigs(contents, provider);
      return {
        snapshot: {
          provider, config: combined.config, rejected: combined.rejected, diagnostics: [...diagnostics, ...combined.diagnostics], locators: combined.locators,
        },
        files: contents.map((c) => c.file),
        watchTargets: targets,
      };
    },
  };
}
