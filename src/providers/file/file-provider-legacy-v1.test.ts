import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '../../config/snapshot.ts';
import { merge } from '../../pipeline/merge.ts';
import { everythingSupported, fixtureEntryPoints } from '../../pipeline/fixture-snapshot.ts';
import { defaultProviderPrecedence } from '../../pipeline/precedence.ts';
import { resolve, type ResolveOptions } from '../../pipeline/resolve.ts';
import { createFileProvider } from './file-provider.ts';
import { createTempConfigDirectory, waitForReload } from './temp-config-directory.ts';

/** The seed's setup as a 1.x rules file: sticky sessions with a cookie name, and drr. */
const rulesToml = `[backends]
  [backends.backend1]
    [backends.backend1.loadbalancer]
      method = "drr"
      [backends.backend1.loadbalancer.stickiness]
        cookieName = "gls-test"
    [backends.backend1.servers.server1]
      url = "http://10.42.0.11:8080"
      weight = 1
    [backends.backend1.servers.server2]
      url = "http://10.42.0.12:8080"
      weight = 0

[frontends]
  [frontends.gls]
    entryPoints = ["web"]
    backend = "backend1"
    passHostHeader = true
    [frontends.gls.routes.main]
      rule = "Host:gls.example.com;PathPrefixStrip:/gls"
`;

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await createTempConfigDirectory();
  try {
    await fn(dir.path);
  } finally {
    await dir.remove();
  }
}

async function readDirectory(directory: string): Promise<Snapshot> {
  const emitted: Snapshot[] = [];
  await createFileProvider({ directory, watch: false }).run((s) => emitted.push(s), new AbortController().signal);
  return emitted[0]!;
}

test('a Traefik 1.x file is translated: router, sticky cookie and drr service in the snapshot', () => withTempDir(async (dir) => {
  await writeFile(join(dir, 'rules.toml'), rulesToml);
  const snapshot = await readDirectory(dir);
  assert.deepEqual(snapshot.rejected, []);

  const router = snapshot.config.http.routers['gls'];
  assert.equal(router?.rule, 'Host(`gls.example.com`) && PathPrefix(`/gls`)');
  assert.equal(router?.service, 'backend1');
  assert.deepEqual(router?.entryPoints, ['web']);
  assert.deepEqual(router?.middlewares, ['gls-pathstrip']);
  assert.deepEqual(snapshot.config.http.middlewares['gls-pathstrip'], { kind: 'stripPrefix', stripPrefix: { prefixes: ['/gls'] } });

  const service = snapshot.config.http.services['backend1'];
  assert.equal(service?.kind, 'loadBalancer');
  if (service?.kind !== 'loadBalancer') return;
  assert.equal(service.loadBalancer.strategy, 'drr');
  assert.equal(service.loadBalancer.sticky?.cookie?.name, 'gls-test');
  assert.equal(service.loadBalancer.passHostHeader, true);
  assert.deepEqual(service.loadBalancer.servers.map((s) => [s.url, s.weight]), [['http://10.42.0.11:8080', 1], ['http://10.42.0.12:8080', 1]]);
}));

test('translation diagnostics come with the file\'s other diagnostics, at the line of the 1.x key', () => withTempDir(async (dir) => {
  const file = join(dir, 'rules.toml');
  await writeFile(file, rulesToml);
  const snapshot = await readDirectory(dir);
  assert.deepEqual(snapshot.diagnostics.map((d) => [d.severity, d.code, d.resource, d.path, d.source?.line]), [
    ['warning', 'V1_APPROXIMATED', file, 'backends.backend1.servers.server2.weight', 12],
  ]);
}));

test('validation errors of a translated item point at the 1.x frontend or backend', () => withTempDir(async (dir) => {
  const file = join(dir, 'rules.toml');
  await writeFile(file, '[backends.b.servers.s]\nurl = "not a url"\n');
  const snapshot = await readDirectory(dir);
  const rejected = snapshot.rejected.find((item) => item.name === 'b');
  assert.equal(rejected?.section, 'http.services');
  assert.equal(rejected?.diagnostics[0]?.path, 'http.services.b.loadBalancer.servers[0].url');
  assert.equal(rejected?.diagnostics[0]?.source?.line, 1);
}));

test('the translated router resolves enabled, with its service and middleware', () => withTempDir(async (dir) => {
  await writeFile(join(dir, 'rules.toml'), rulesToml);
  const snapshot = await readDirectory(dir);
  const options: ResolveOptions = {
    entryPoints: fixtureEntryPoints, defaultRuleSyntax: 'v2', precedence: defaultProviderPrecedence, supported: everythingSupported,
  };
  const runtime = resolve(merge(new Map([['file', snapshot]]), options), options);
  const router = runtime.http.routers.get('gls@file');
  assert.equal(router?.status, 'enabled', JSON.stringify(router?.diagnostics));
  assert.equal(runtime.http.services.get('backend1@file')?.status, 'enabled');
}));

test('a 1.x file dropped into a watched directory is picked up', { timeout: 10_000 }, () => withTempDir(async (dir) => {
  const provider = createFileProvider({ directory: dir, watch: true, debounceMs: 20 });
  const stop = new AbortController();
  const first = waitForReload(provider);
  const running = provider.run(() => {}, stop.signal);
  try {
    await first;
    const translated = waitForReload(provider, (r) => r.snapshot.config.http.routers['gls'] !== undefined);
    await writeFile(join(dir, 'rules.toml'), rulesToml);
    const reload = await translated;
    assert.equal(reload.snapshot.config.http.services['backend1']?.kind, 'loadBalancer');
  } finally {
    stop.abort();
    await running;
  }
}));
