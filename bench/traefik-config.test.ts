import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { parseDynamicFile } from '../src/config/parse-dynamic-file.ts';
import { traefikDynamicConfig, traefikStaticConfig } from './traefik-config.ts';

const origins = [
  { name: 'a', port: 8001 },
  { name: 'b', port: 8002 },
];

interface Dynamic {
  http: {
    routers: Record<string, { rule: string; service: string; priority?: number; entryPoints: string[] }>;
    services: Record<string, { loadBalancer: { servers: { url: string }[]; sticky?: { cookie: { name: string } } } }>;
  };
}

test('writes the requested number of host routers, each with its service', () => {
  const config = parse(traefikDynamicConfig(1000, origins)) as Dynamic;
  const routers = Object.entries(config.http.routers);
  assert.equal(routers.length, 1000);
  assert.equal(routers.filter(([, r]) => r.rule === 'Host(`bench.example`)').length, 1);
  assert.equal(config.http.routers['decoy-999']!.rule, 'Host(`h999.example`)');
  for (const [, router] of routers) assert.ok(config.http.services[router.service], router.service);
});

test('gives the benchmarked router the lowest priority and both origins', () => {
  const config = parse(traefikDynamicConfig(10, origins)) as Dynamic;
  assert.equal(config.http.routers.bench!.priority, 1);
  assert.deepEqual(
    config.http.services.bench!.loadBalancer.servers.map((s) => s.url),
    ['http://127.0.0.1:8001', 'http://127.0.0.1:8002'],
  );
});

test('static configuration names the entry point, the file provider and the log level', () => {
  const config = parse(traefikStaticConfig(9000, '/tmp/x/dynamic.yml')) as Record<string, unknown>;
  assert.deepEqual(config, {
    entryPoints: { web: { address: '127.0.0.1:9000' } },
    providers: { file: { filename: '/tmp/x/dynamic.yml' } },
    log: { level: 'ERROR' },
  });
});

test('a sticky balancing gives the benchmarked service a sticky cookie, and only it', () => {
  const text = traefikDynamicConfig(3, origins, { kind: 'sticky-cookie', cookie: 'srv' });
  const config = parse(text) as Dynamic;
  assert.deepEqual(config.http.services.bench!.loadBalancer.sticky, { cookie: { name: 'srv' } });
  assert.equal(config.http.services['decoy-1']!.loadBalancer.sticky, undefined);
  assert.equal(parse(traefikDynamicConfig(3, origins)).http.services.bench.loadBalancer.sticky, undefined);
});

test("Switchyard's configuration parser accepts the sticky file without a diagnostic", () => {
  const parsed = parseDynamicFile(traefikDynamicConfig(3, origins, { kind: 'sticky-cookie', cookie: 'srv' }), 'dynamic.yml');
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.diagnostics, []);
  const bench = parsed.config.http.services.bench;
  assert.equal(bench?.kind, 'loadBalancer');
  assert.equal(bench.kind === 'loadBalancer' ? bench.loadBalancer.sticky?.cookie?.name : undefined, 'srv');
});
