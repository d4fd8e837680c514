import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuntimeConfig } from '../config/runtime.ts';
import type { Snapshot } from '../config/snapshot.ts';
import { createFileProvider } from '../providers/file/file-provider.ts';
import { createTempConfigDirectory } from '../providers/file/temp-config-directory.ts';
import { createAggregator } from './aggregator.ts';
import { createSystemClock } from '../lib/clock.ts';
import { everythingSupported, fixtureEntryPoints } from './fixture-snapshot.ts';
import { merge } from './merge.ts';
import { defaultProviderPrecedence } from './precedence.ts';
import { resolve } from './resolve.ts';

test('a file on disk becomes a RuntimeConfig through aggregator, merge and resolve', { timeout: 10_000 }, async () => {
  const dir = await createTempConfigDirectory();
  try {
    const file = join(dir.path, 'dynamic.yml');
    await writeFile(file, `
http:
  routers:
    api:
      rule: Host(\`api.example.com\`) && PathPrefix(\`/v1\`)
      service: api
      middlewares: [strip]
  middlewares:
    strip:
      stripPrefix:
        prefixes: [/v1]
  services:
    api:
      loadBalancer:
        servers:
          - url: http://10.0.0.1:8080
`);
    const options = { entryPoints: fixtureEntryPoints, precedence: defaultProviderPrecedence, defaultRuleSyntax: 'v3' as const, supported: everythingSupported };
    const configs: RuntimeConfig[] = [];
    let applied: () => void = () => {};
    const first = new Promise<void>((done) => { applied = done; });
    const aggregator = createAggregator({
      providers: [createFileProvider({ filename: file, watch: false })],
      throttleMs: 2000,
      clock: createSystemClock(),
      onConfig: (snapshots: ReadonlyMap<string, Snapshot>) => {
        configs.push(resolve(merge(snapshots, options), options));
        applied();
      },
    });
    const running = aggregator.run(new AbortController().signal);
    await first;
    aggregator.dispose();
    await running;
    const api = configs[0]!.http.routers.get('api@file')!;
    assert.equal(api.status, 'enabled');
    assert.deepEqual(api.using, ['web', 'websecure']);
    assert.deepEqual(api.middlewares, ['strip@file']);
    assert.equal(configs[0]!.http.services.get('api@file')!.usedBy[0], 'api@file');
  } finally {
    await dir.remove();
  }
});
