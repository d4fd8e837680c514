/**
 * The dashboard's vendored view library stays what node_modules holds (refresh with
 * `npx node scripts/vendor-web.ts`), and the import map in web/index.html names only files
 * that are there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vendoredFiles, vendorPaths } from '../scripts/vendor-web.ts';
import { projectRoot } from './support/switchyard-process.ts';

const { modules, vendor } = vendorPaths(projectRoot);

test('every vendored file equals its source in node_modules', () => {
  for (const file of vendoredFiles) {
    const source = readFileSync(join(modules, file.from));
    const copy = readFileSync(join(vendor, file.to));
    assert.ok(source.equals(copy), `web/vendor/${file.to} differs from node_modules/${file.from}; run npx node scripts/vendor-web.ts`);
  }
});

test('web/vendor holds only the vendored files', () => {
  assert.deepEqual(readdirSync(vendor).sort(), vendoredFiles.map((f) => f.to).sort());
});

test('the import map of index.html points the bare module names at vendored files', () => {
  const html = readFileSync(join(projectRoot, 'web', 'index.html'), 'utf8');
  const body = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1];
  assert.ok(body !== undefined, 'index.html has an import map');
  const imports = (JSON.parse(body) as { imports: Record<string, string> }).imports;
  assert.deepEqual(Object.keys(imports).sort(), ['htm', 'preact', 'preact/hooks']);
  for (const target of Object.values(imports)) {
    assert.match(target, /^\.\/vendor\//, 'relative, so the dashboard works under any api.basePath');
    assert.ok(existsSync(join(projectRoot, 'web', target)), `${target} exists`);
  }
});
