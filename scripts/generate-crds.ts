/**
 * Writes deploy/crds from the configuration schemas (see scripts/crds/crd-documents.ts) and
 * removes files there that are no longer generated. Run after changing a schema in src/config:
 *
 *   npx node scripts/generate-crds.ts
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crdFiles } from './crds/crd-documents.ts';

const directory = join(dirname(fileURLToPath(import.meta.url)), '..', 'deploy', 'crds');

mkdirSync(directory, { recursive: true });
const files = crdFiles();
const names = new Set(files.map((f) => f.name));
let changed = 0;
for (const file of files) {
  const path = join(directory, file.name);
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== file.text) {
    writeFileSync(path, file.text);
    changed += 1;
  }
}
for (const name of readdirSync(directory)) {
  if (!names.has(name)) {
    rmSync(join(directory, name));
    changed += 1;
  }
}
process.stdout.write(`deploy/crds: ${files.length} files, ${changed} written or removed\n`);
