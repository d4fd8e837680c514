import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAcmeJson } from './acme-json.ts';
import type { AcmeAccountRecord, AcmeCertificateRecord } from './acme-store.ts';
import { createFileAcmeStore } from './file-acme-store.ts';

function tempFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'switchyard-acme-store-')), 'acme.json');
}

const account: AcmeAccountRecord = {
  email: 'ops@example.com', privateKeyDer: Buffer.from([1, 2, 3]), keyType: '4096',
  registration: { uri: 'https://ca.example/acct/1', body: { status: 'valid' } },
};
const certificate = (main: string): AcmeCertificateRecord => ({
  domain: { main, sans: [] }, certPem: `cert of ${main}\n`, keyPem: `key of ${main}\n`, store: 'default',
});

test('a missing file is an empty store', async () => {
  assert.deepEqual(await createFileAcmeStore(tempFile()).load('le'), { certificates: [] });
});

test('saves are written with mode 0600 and read back', async () => {
  const path = tempFile();
  const store = createFileAcmeStore(path);
  await store.saveAccount('le', account);
  await store.saveCertificates('le', [certificate('a.example.com')]);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(await store.load('le'), { account, certificates: [certificate('a.example.com')] });
  assert.deepEqual(await createFileAcmeStore(path).load('le'), { account, certificates: [certificate('a.example.com')] });
});

test('a save replaces only its resolver, keeping what another process wrote for others', async () => {
  const path = tempFile();
  const mine = createFileAcmeStore(path);
  const theirs = createFileAcmeStore(path);
  await mine.saveCertificates('le', [certificate('a.example.com')]);
  await theirs.saveCertificates('staging', [certificate('b.example.com')]);
  await mine.saveCertificates('le', [certificate('c.example.com')]);
  const data = parseAcmeJson(readFileSync(path, 'utf8'));
  assert.deepEqual(data.get('le')?.certificates, [certificate('c.example.com')]);
  assert.deepEqual(data.get('staging')?.certificates, [certificate('b.example.com')]);
});

test('overlapping saves apply in call order and leave no temporary file behind', async () => {
  const path = tempFile();
  const store = createFileAcmeStore(path);
  await Promise.all([
    store.saveCertificates('le', [certificate('1.example.com')]),
    store.saveAccount('le', account),
    store.saveCertificates('le', [certificate('2.example.com')]),
  ]);
  assert.deepEqual(await store.load('le'), { account, certificates: [certificate('2.example.com')] });
  assert.deepEqual(readdirSync(join(path, '..')), ['acme.json']);
});

test('a file readable by others is refused, as Traefik refuses it', async () => {
  const path = tempFile();
  writeFileSync(path, '{}', { mode: 0o644 });
  await assert.rejects(createFileAcmeStore(path).load('le'), /permissions 644 for .*acme\.json are too open, please use 600/);
});

test('a file that does not parse is refused, and not overwritten by a save', async () => {
  const path = tempFile();
  writeFileSync(path, '{"le": 3}', { mode: 0o600 });
  const store = createFileAcmeStore(path);
  await assert.rejects(store.load('le'), /is not a valid acme\.json: le: expected an object/);
  await assert.rejects(store.saveAccount('le', account));
  assert.equal(readFileSync(path, 'utf8'), '{"le": 3}');
});
