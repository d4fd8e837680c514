/**
 * The Dockerfile, checked without a Docker engine: the image holds every file `src/main.ts`
 * loads at run time, every package it loads is installed by `npm ci --omit=dev`, and
 * `bin/switchyard` finds a Node runtime of the major version package.json pins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { projectRoot } from './support/switchyard-process.ts';

const dockerfile = readFileSync(join(projectRoot, 'Dockerfile'), 'utf8');
const packageJson = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Instructions of the Dockerfile (comments dropped), as [instruction, arguments]. */
const instructions = dockerfile.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
  .map((l) => /^(\w+)\s+(.*)$/.exec(l.trim())!).map((m) => [m[1]!.toUpperCase(), m[2]!] as const);

/** Module specifiers a file loads when it runs (type-only imports and exports are erased by Node). */
function runtimeSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && node.importClause?.isTypeOnly !== true && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier !== undefined
      && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      assert.ok(argument !== undefined && ts.isStringLiteral(argument), `${file}: import() of a computed name`);
      found.push(argument.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every project file and package `src/main.ts` loads, transitively. */
function runtimeGraph(): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [join(projectRoot, 'src', 'main.ts')];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of runtimeSpecifiers(file)) {
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier);
        assert.ok(existsSync(target), `${relative(projectRoot, file)} imports ${specifier}, which does not exist`);
        pending.push(target);
      } else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) {
        const parts = specifier.split('/');
        packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
      }
    }
  }
  return { files, packages };
}

const graph = runtimeGraph();

test('the image copies every project file that src/main.ts loads at run time', () => {
  const copied = instructions.filter(([i]) => i === 'COPY').map(([, args]) => args.split(/\s+/)[0]!.replace(/\/$/, ''));
  const missing = [...graph.files].map((f) => relative(projectRoot, f))
    .filter((f) => !copied.some((c) => f === c || f.startsWith(c + sep)));
  assert.deepEqual(missing, [], `not copied by the Dockerfile: ${missing.join(', ')}`);
  assert.ok(copied.includes('bin'), 'bin/ is copied');
  // Read from disk at start-up (the dashboard's files), not imported: the import graph misses it.
  assert.ok(copied.includes('web'), 'web/ is copied: api.dashboard is on by default and its files are read when Switchyard starts');
});

test('every package loaded at run time is a production dependency (npm ci --omit=dev installs it)', () => {
  assert.ok(graph.packages.size > 0);
  const dev = [...graph.packages].filter((p) => packageJson.dependencies[p] === undefined);
  assert.deepEqual(dev, [], `loaded at run time but not in "dependencies": ${dev.join(', ')}`);
  assert.ok(instructions.some(([i, args]) => i === 'RUN' && args.includes('npm ci --omit=dev')));
});

test('bin/switchyard is the entry point and finds the image\'s Node, of the major version package.json pins', () => {
  const from = instructions.find(([i]) => i === 'FROM')![1];
  const imageMajor = /^node:(\d+)(?:[.-]|$)/.exec(from)?.[1];
  const pinnedMajor = /(\d+)/.exec(packageJson.devDependencies['node']!)?.[1];
  assert.ok(imageMajor !== undefined, `FROM ${from} is not a node image`);
  assert.equal(imageMajor, pinnedMajor, 'the image runs the Node major the project pins');
  assert.deepEqual(instructions.find(([i]) => i === 'ENTRYPOINT')![1], '["bin/switchyard"]');
  // The launcher runs $root/node_modules/node/bin/node, which --omit=dev does not install.
  const launcher = readFileSync(join(projectRoot, 'bin', 'switchyard'), 'utf8');
  const runtime = /runtime="\$root\/([^"]+)"/.exec(launcher)?.[1];
  assert.ok(runtime !== undefined, 'bin/switchyard names its runtime as $root/…');
  assert.ok(instructions.some(([i, args]) => i === 'RUN' && args.includes(`ln -s "$(command -v node)" ${runtime}`)),
    `the Dockerfile links the image's node at ${runtime}`);
});

test('the image runs as a numeric non-root user (Kubernetes runAsNonRoot can verify it)', () => {
  const user = instructions.filter(([i]) => i === 'USER').at(-1)?.[1];
  assert.match(user ?? '', /^[1-9]\d*(:\d+)?$/);
});
