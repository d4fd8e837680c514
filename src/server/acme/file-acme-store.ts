/**
 * An `AcmeStore` on Traefik's acme.json file [Traefik pkg/provider/acme/local_store.go,
 * local_store_unix.go]. Several resolvers may share one file, each under its own name.
 *
 * As Traefik: the file must not be readable by group or others (`permissions 644 for acme.json
 * are too open, please use 600`), it is written with mode 0600, and an empty file is an empty
 * store. Unlike Traefik, each save re-reads the file and replaces only its resolver's part (so
 * another process's resolvers are kept), and writes go to a temporary file in the same folder
 * renamed over acme.json, so a crash never leaves half a file. When the file cannot be replaced
 * (a single-file bind mount answers EBUSY), it is rewritten in place, as Traefik always does.
 */
import { randomBytes } from 'node:crypto';
import { chmod, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseAcmeJson, serializeAcmeJson, type AcmeJson } from './acme-json.ts';
import { createSerialAcmeStore, type AcmeStore } from './acme-store.ts';

function isErrno(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}

async function readStore(path: string): Promise<AcmeJson> {
  let text: string;
  try {
    if (process.platform !== 'win32') {
      const mode = (await stat(path)).mode & 0o777;
      if ((mode & 0o077) !== 0) {
        throw new Error(`permissions ${mode.toString(8)} for ${path} are too open, please use 600`);
      }
    }
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return new Map();
    throw err;
  }
  try {
    return parseAcmeJson(text);
  } catch (err) {
    throw new Error(`${path} is not a valid acme.json: ${(err as Error).message}`, { cause: err });
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (err) {
    await unlink(temporary).catch(() => undefined);
    if (!isErrno(err, 'EBUSY', 'EXDEV', 'EPERM')) throw err;
    await writeFile(path, text, { mode: 0o600 });
    await chmod(path, 0o600);
  }
}

/** An acme.json store at `path` (relative paths are resolved against the process's folder). */
export function createFileAcmeStore(path: string): AcmeStore {
  return createSerialAcmeStore({
    read: () => readStore(path),
    update: async (change) => writeAtomically(path, serializeAcmeJson(change(await readStore(path)))),
  });
}
