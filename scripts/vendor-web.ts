/**
 * Copies the dashboard's view library (Preact, its hooks, htm) from node_modules into
 * web/vendor/, byte for byte, so the dashboard runs with no bundler and no CDN. Run after
 * upgrading `preact` or `htm`:
 *
 *   npx node scripts/vendor-web.ts
 *
 * test/dashboard-vendor.test.ts fails while a vendored copy differs from node_modules.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** One vendored file: where it comes from in node_modules and where it goes in web/vendor. */
export interface VendoredFile {
  /** Path below node_modules/. */
  readonly from: string;
  /** File name in web/vendor/. */
  readonly to: string;
}

/**
 * The vendored files. Source maps come along because the modules name them (`sourceMappingURL`),
 * and the licences because the copies are redistributed; web/index.html's import map points
 * the bare names `preact`, `preact/hooks` and `htm` at the modules.
 */
export const vendoredFiles: readonly VendoredFile[] = [
  { from: 'preact/dist/preact.mjs', to: 'preact.mjs' },
  { from: 'preact/dist/preact.mjs.map', to: 'preact.mjs.map' },
  { from: 'preact/hooks/dist/hooks.mjs', to: 'hooks.mjs' },
  { from: 'preact/hooks/dist/hooks.mjs.map', to: 'hooks.mjs.map' },
  { from: 'preact/LICENSE', to: 'preact-LICENSE.txt' },
  { from: 'htm/dist/htm.mjs', to: 'htm.mjs' },
  { from: 'htm/LICENSE', to: 'htm-LICENSE.txt' },
];

/** node_modules/ and web/vendor/ of the project at `root`. */
export function vendorPaths(root: string = projectRoot): { readonly modules: string; readonly vendor: string } {
  return { modules: join(root, 'node_modules'), vendor: join(root, 'web', 'vendor') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { modules, vendor } = vendorPaths();
  mkdirSync(vendor, { recursive: true });
  for (const file of vendoredFiles) copyFileSync(join(modules, file.from), join(vendor, file.to));
  console.log(`copied ${vendoredFiles.length} files into ${vendor}`);
}
