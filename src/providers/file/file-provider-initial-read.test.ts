import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '../../config/snapshot.ts';
import { createFileProvider } from './file-provider.ts';
import { createTempConfigDirectory } from './temp-config-directory.ts';

const dynamicYaml = `
http:
  routers:
    api:
      rule: Host(\`api.example.com\`)
      service: api
  services:
    api:
      loadBalancer:
        servers:
          - url: http://10.0.0.1:8080
`;

/** Runs a provider without watching and returns what it emitted. */
async function readOnce(options: { filename?: string; directory?: string }): Promise<Snapshot[]> {
  const emitted: Snapshot[] = [];
  await createFileProvider({ ...options, watch: false }).run((s) => emitted.push(s), new AbortController().signal);
  return emitted;
}

test('reads one file and emits one snapshot of provider file', async () => {
  const dir = await createTempConfigDirectory();
  try {
    const file = join(dir.path, 'dynamic.yml');
    await writeFile(file, dynamicYaml);
    const [snapshot, ...more] = await readOnce({ filename: file });
    assert.equal(more.length, 0);
    assert.equal(snapshot!.provider, 'file');
    assert.deepEqual(Object.keys(snapshot!.config.http.routers), ['api']);
    assert.equal(snapshot!.config.http.services['api']?.kind, 'loadBalancer');
    assert.deepEqual(snapshot!.diagnostics, []);
  } finally {
    await dir.remove();
  }
});

test('reads a TOML file', async () => {
  const dir = await createTempConfigDirectory();
  try {
    const file = join(dir.path, 'dynamic.toml');
    await writeFile(file, '[http.routers.api]\nrule = "Host(`a`)"\nservice = "api"\n');
    const [snapshot] = await readOnce({ filename: file });
    assert.equal(snapshot!.config.http.routers['api']?.service, 'api');
  } finally {
    await dir.remove();
  }
});

test('a missing file is a diagnostic and an empty configuration, not a crash', async () => {
  const dir = await createTempConfigDirectory();
  try {
    const file = join(dir.path, 'nope.yml');
    const [snapshot] = await readOnce({ filename: file });
    assert.deepEqual(Object.keys(snapshot!.config.http.routers), []);
    assert.equal(snapshot!.diagnostics[0]!.code, 'FILE_NOT_FOUND');
    assert.equal(snapshot!.diagnostics[0]!.resource, file);
    assert.match(snapshot!.diagnostics[0]!.message, /^error reading configuration file: .*nope\.yml - ENOENT/);
  } finally {
    await dir.remove();
  }
});

test('a missing directory is a diagnostic, not a crash', async () => {
  const dir = await createTempConfigDirectory();
  try {
    const missing = join(dir.path, 'absent');
    const [snapshot] = await readOnce({ directory: missing });
    assert.equal(snapshot!.diagnostics[0]!.code, 'FILE_DIRECTORY_NOT_READABLE');
    assert.match(snapshot!.diagnostics[0]!.message, /^unable to read directory .*absent: ENOENT/);
  } finally {
    await dir.remove();
  }
});

test('neither filename nor directory is a diagnostic', async () => {
  const [snapshot] = await readOnce({});
  assert.equal(snapshot!.diagnostics[0]!.code, 'FILE_PROVIDER_NOT_CONFIGURED');
});

test('the directory wins over the filename, as in Traefik', async () => {
  const dir = await createTempConfigDirectory();
  try {
    await writeFile(join(dir.path, 'a.yml'), dynamicYaml);
    const [snapshot] = await readOnce({ directory: dir.path, filename: join(dir.path, 'other.yml') });
    assert.deepEqual(Object.keys(snapshot!.config.http.routers), ['api']);
    assert.deepEqual(snapshot!.diagnostics, []);
  } finally {
    await dir.remove();
  }
});
