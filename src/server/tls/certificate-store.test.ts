import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServedCertificate } from './certificate-key-pair.ts';
import { createCertificateStore } from './certificate-store.ts';

const cert = (source: string, ...names: string[]): ServedCertificate => ({ id: source, certPem: '', keyPem: '', names, source });

const store = createCertificateStore([
  cert('exact', 'a.example.com'),
  cert('wildcard', '*.example.com', 'example.com'),
  cert('deep', '*.b.example.com'),
  cert('double', '*.*.example.org'),
  cert('bare', 'localhost'),
  cert('star', '*'),
  cert('ip', '127.0.0.1'),
  cert('wildcard-again', 'example.com', '*.example.com'),
  cert('shares-a-name', 'a.example.com', 'z.example.com'),
]);

const cases: [serverName: string, expected: string | undefined, why: string][] = [
  ['a.example.com', 'exact', 'the exact name beats a wildcard'],
  ['c.example.com', 'wildcard', 'one label under the wildcard'],
  ['example.com', 'wildcard', 'a plain name of the wildcard certificate'],
  ['x.b.example.com', 'deep', 'the most specific wildcard wins'],
  ['x.y.example.com', undefined, 'a wildcard covers one label only'],
  ['x.y.example.org', 'double', 'Traefik matches `*.*.` certificate names label by label'],
  ['localhost', 'bare', 'a one-label name'],
  ['intranet', 'star', 'a one-label name matches a `*` certificate'],
  ['127.0.0.1', 'ip', 'an IP address'],
  ['z.example.com', 'shares-a-name', 'a later certificate still serves its other names'],
  ['', undefined, 'nothing for no name'],
];
for (const [serverName, expected, why] of cases) {
  test(`${JSON.stringify(serverName)} → ${expected ?? 'none'} (${why})`, () => {
    assert.equal(store.best(serverName)?.source, expected);
  });
}

test('a certificate with the same names as an earlier one is kept once', () => {
  assert.deepEqual(store.certificates.map((c) => c.source), ['exact', 'wildcard', 'deep', 'double', 'bare', 'star', 'ip', 'shares-a-name']);
});

test('covering finds the first certificate naming every domain exactly', () => {
  assert.equal(store.covering(['example.com', '*.example.com'])?.source, 'wildcard');
  assert.equal(store.covering(['a.example.com', 'z.example.com'])?.source, 'shares-a-name');
  assert.equal(store.covering(['c.example.com']), undefined, 'no wildcard matching here (Traefik GetCertificate)');
});
