/**
 * Which files a `providers.file.directory` reads, the way Traefik walks it
 * [pkg/provider/file/file.go loadFileConfigFromDirectory]: entries in file-name order,
 * subdirectories walked in place (recursively), files with a `.yml`, `.yaml` or `.toml`
 * extension read. Symbolic links are read as files (their target's contents), never walked as
 * directories, as Go's `DirEntry.IsDir` does.
 *
 * Two deliberate choices:
 * - Entries whose name starts with `..` are skipped: they are the private files of a Kubernetes
 *   ConfigMap/Secret mount (`..data`, `..2024_01_01_00_00_00.123`), whose visible files are
 *   symlinks into them. Traefik walks `..<timestamp>/` too and then warns that every item is
 *   "already configured".
 * - `.json` files are not read from a directory, as in Traefik: a directory often holds Traefik's
 *   `acme.json`, which is not dynamic configuration. A `filename` ending in `.json` is read.
 */
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** Extensions read from a directory (Traefik's list). */
export const directoryFileExtensions: readonly string[] = ['.yml', '.yaml', '.toml'];

/** What a directory walk found. */
export interface ConfigFileListing {
  /** Files to read, in the order their items are merged (first definition wins). */
  readonly files: readonly string[];
  /** The directory and every subdirectory walked, for watching. */
  readonly directories: readonly string[];
  /** Directories that could not be read (the root one included), with the error. */
  readonly failures: readonly { readonly directory: string; readonly error: NodeJS.ErrnoException }[];
}

/** Lists the configuration files under `directory`. Never throws for file-system errors. */
export async function listConfigFiles(directory: string): Promise<ConfigFileListing> {
  const files: string[] = [];
  const directories: string[] = [];
  const failures: { directory: string; error: NodeJS.ErrnoException }[] = [];

  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      failures.push({ directory: dir, error: error as NodeJS.ErrnoException });
      return;
    }
    directories.push(dir);
    // Go's os.ReadDir sorts by file name, byte-wise.
    entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    for (const entry of entries) {
      if (entry.name.startsWith('..')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(path);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && directoryFileExtensions.includes(extname(entry.name).toLowerCase())) {
        files.push(path);
      }
    }
  }

  await walk(directory);
  return { files, directories, failures };
}
