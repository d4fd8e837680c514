/**
 * Test support for the file provider: a temporary directory to write configuration files in,
 * and a way to wait for the provider's next matching `reload` event instead of sleeping.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileProvider, FileReload } from './file-provider.ts';

/** Creates a temporary directory; `remove` deletes it and everything in it. */
export async function createTempConfigDirectory(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'switchyard-file-provider-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Resolves with the first `reload` event (from now on) that satisfies `accept`. File systems
 * may report one edit as several events, so intermediate reloads are skipped.
 */
export function waitForReload(provider: FileProvider, accept: (reload: FileReload) => boolean = () => true): Promise<FileReload> {
  return new Promise((resolve) => {
    const listener = (reload: FileReload): void => {
      if (!accept(reload)) return;
      provider.off('reload', listener);
      resolve(reload);
    };
    provider.on('reload', listener);
  });
}
