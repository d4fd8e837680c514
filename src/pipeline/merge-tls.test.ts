import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureEntryPoints, snapshotFromYaml } from './fixture-snapshot.ts';
import { merge } from './merge.ts';

function mergeYaml(documents: Record<string, string>) {
  const snapshots = new Map(Object.entries(documents).map(([p, yaml]) => [p, snapshotFromYaml(p, yaml)]));
  return merge(snapshots, { entryPoints: fixtureEntryPoints, precedence: [] });
}

test('drops default TLS options defined by two providers, with an error', () => {
  const merged = mergeYaml({
    file: 'tls: {options: {default: {minVersion: VersionTLS12}}}',
    kubernetescrd: 'tls: {options: {default: {minVersion: VersionTLS13}, strict: {sniStrict: true}}}',
  });
  assert.deepEqual(Object.keys(merged.tls.options), ['strict@kubernetescrd']);
  assert.equal(merged.diagnostics.length, 1);
  assert.equal(merged.diagnostics[0]!.code, 'TLS_DEFAULT_OPTIONS_CONFLICT');
  assert.match(merged.diagnostics[0]!.message, /Default TLS Options defined in multiple providers \[file kubernetescrd\]|\[kubernetescrd file\]/);
});

test('keeps default TLS options defined once, unqualified', () => {
  const merged = mergeYaml({ file: 'tls: {options: {default: {sniStrict: true}}}' });
  assert.deepEqual(Object.keys(merged.tls.options), ['default']);
});

test('concatenates certificates of every provider', () => {
  const merged = mergeYaml({
    file: 'tls: {certificates: [{certFile: /a.crt, keyFile: /a.key}]}',
    kubernetescrd: 'tls: {certificates: [{certFile: /b.crt, keyFile: /b.key}]}',
  });
  assert.deepEqual(merged.tls.certificates.map((c) => c.certFile).sort(), ['/a.crt', '/b.crt']);
});
