import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { loadStaticConfig } from './static.ts';
import { workerCount } from './static-workers.ts';

const files: Record<string, string> = {
  '/srv/plain.yml': 'entryPoints:\n  web:\n    address: ":1"\n',
  '/srv/three.yml': 'workers: 3\nentryPoints:\n  web:\n    address: ":1"\n',
};
const readFile = (path: string): string | null => files[path] ?? null;

const cases: { name: string; argv: string[]; env: Record<string, string>; workers: number }[] = [
  { name: 'defaults to one process', argv: ['--configFile=/srv/plain.yml'], env: {}, workers: 1 },
  { name: 'reads the file key', argv: ['--configFile=/srv/three.yml'], env: {}, workers: 3 },
  { name: 'takes --workers beside a configuration file', argv: ['--configFile=/srv/three.yml', '--workers=2'], env: {}, workers: 2 },
  { name: 'takes SWITCHYARD_WORKERS beside a configuration file', argv: ['--configFile=/srv/three.yml'], env: { SWITCHYARD_WORKERS: '4' }, workers: 4 },
  { name: 'prefers --workers to SWITCHYARD_WORKERS', argv: ['--configFile=/srv/plain.yml', '--workers=2'], env: { SWITCHYARD_WORKERS: '4' }, workers: 2 },
  { name: 'takes --workers beside configuration flags', argv: ['--entryPoints.web.address=:1', '--workers=5'], env: {}, workers: 5 },
  { name: 'reads 0 (one per core) as given', argv: ['--configFile=/srv/plain.yml', '--workers=0'], env: {}, workers: 0 },
];

for (const c of cases) {
  test(`workers: ${c.name}, without a warning about ignored sources`, () => {
    const loaded = loadStaticConfig({ argv: c.argv, env: c.env, cwd: '/', readFile });
    assert.deepEqual(loaded.diagnostics, []);
    assert.equal(loaded.config?.workers, c.workers);
  });
}

test('workers: a value that is not a count is an error naming where it came from', () => {
  const flag = loadStaticConfig({ argv: ['--configFile=/srv/plain.yml', '--workers=two'], env: {}, cwd: '/', readFile });
  assert.equal(flag.config, null);
  assert.deepEqual(flag.diagnostics.map((d) => [d.code, d.resource, d.path]), [['STATIC_INVALID_WORKERS', 'command line', 'workers']]);
  const env = loadStaticConfig({ argv: ['--configFile=/srv/plain.yml'], env: { SWITCHYARD_WORKERS: '-1' }, cwd: '/', readFile });
  assert.equal(env.config, null);
  assert.match(env.diagnostics[0]!.message, /SWITCHYARD_WORKERS must be an integer between 0 \(one per core\) and 256, got "-1"/);
  const file = loadStaticConfig({ argv: ['--configFile=/srv/bad.yml'], env: {}, cwd: '/', readFile: (p) => (p === '/srv/bad.yml' ? 'workers: 1000\n' : null) });
  assert.equal(file.config, null);
  assert.equal(file.diagnostics[0]!.path, 'workers');
});

test('workers: 0 means one worker per core', () => {
  assert.equal(workerCount(0), availableParallelism());
  assert.equal(workerCount(3), 3);
});
