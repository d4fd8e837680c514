import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureEntryPoints, snapshotFromYaml } from './fixture-snapshot.ts';
import { merge } from './merge.ts';
import { defaultProviderPrecedence } from './precedence.ts';

const options = { entryPoints: fixtureEntryPoints, precedence: defaultProviderPrecedence };

function mergeYaml(documents: Record<string, string>) {
  return merge(new Map(Object.entries(documents).map(([p, yaml]) => [p, snapshotFromYaml(p, yaml)])), options);
}

const names = (refs: readonly { name: string }[] | undefined) => refs?.map((r) => r.name);

test('stores every item under name@provider', () => {
  const merged = mergeYaml({
    file: `
http:
  routers: {api: {rule: "Host(\`a\`)", service: api}}
  services: {api: {loadBalancer: {servers: [{url: "http://10.0.0.1"}]}}}
  middlewares: {auth: {basicAuth: {users: ["u:p"]}}}
tcp:
  routers: {db: {rule: "HostSNI(\`*\`)", service: db}}
  services: {db: {loadBalancer: {servers: [{address: "10.0.0.2:5432"}]}}}
udp:
  services: {dns: {loadBalancer: {servers: [{address: "10.0.0.3:53"}]}}}
`,
    kubernetescrd: `
http:
  services: {api: {loadBalancer: {servers: [{url: "http://10.1.0.1"}]}}}
`,
  });
  assert.deepEqual([...merged.http.routers.keys()], ['api@file']);
  assert.deepEqual([...merged.http.services.keys()].sort(), ['api@file', 'api@kubernetescrd']);
  assert.deepEqual([...merged.http.middlewares.keys()], ['auth@file']);
  assert.deepEqual([...merged.tcp.routers.keys()], ['db@file']);
  assert.deepEqual([...merged.udp.services.keys()], ['dns@file']);
  assert.equal(merged.http.services.get('api@kubernetescrd')?.provider, 'kubernetescrd');
});

test('qualifies a router\'s service and middlewares with the router\'s provider', () => {
  const merged = mergeYaml({
    file: `
http:
  routers:
    api:
      rule: Host(\`a\`)
      service: api
      middlewares: [strip, auth@kubernetescrd]
`,
  });
  const refs = merged.http.routers.get('api@file')!.refs!;
  assert.equal(refs.service, 'api@file');
  assert.deepEqual(refs.middlewares, [
    { name: 'strip@file', field: 'middlewares[0]' },
    { name: 'auth@kubernetescrd', field: 'middlewares[1]' },
  ]);
});

test('keeps a cross-provider service reference as written', () => {
  const merged = mergeYaml({ kubernetescrd: 'http: {routers: {r: {rule: "Host(`a`)", service: "api@file"}}}' });
  assert.equal(merged.http.routers.get('r@kubernetescrd')!.refs!.service, 'api@file');
});

test('qualifies chain entries and the errors middleware\'s service', () => {
  const merged = mergeYaml({
    file: `
http:
  middlewares:
    secured: {chain: {middlewares: [auth, headers@internal]}}
    pages: {errors: {status: ["500-599"], service: error-pages}}
`,
  });
  assert.deepEqual(names(merged.http.middlewares.get('secured@file')!.refs!.middlewares), ['auth@file', 'headers@internal']);
  assert.deepEqual(names(merged.http.middlewares.get('pages@file')!.refs!.services), ['error-pages@file']);
});

test('qualifies the children of weighted, mirroring, failover and highestRandomWeight services', () => {
  const merged = mergeYaml({
    file: `
http:
  services:
    canary: {weighted: {services: [{name: v1, weight: 9}, {name: v2@kubernetescrd, weight: 1}]}}
    shadow: {mirroring: {service: v1, mirrors: [{name: v2, percent: 10}]}}
    ha: {failover: {service: v1, fallback: backup}}
    sticky: {highestRandomWeight: {services: [{name: v1}, {name: v2}]}}
    v1:
      loadBalancer:
        servers: [{url: "http://10.0.0.1"}]
        serversTransport: insecure
      middlewares: [retry]
`,
  });
  const refs = (name: string) => merged.http.services.get(`${name}@file`)!.refs!;
  assert.deepEqual(refs('canary').services, [
    { name: 'v1@file', field: 'weighted.services[0].name' },
    { name: 'v2@kubernetescrd', field: 'weighted.services[1].name' },
  ]);
  assert.deepEqual(names(refs('shadow').services), ['v1@file', 'v2@file']);
  assert.deepEqual(refs('ha').services, [
    { name: 'v1@file', field: 'failover.service' },
    { name: 'backup@file', field: 'failover.fallback' },
  ]);
  assert.deepEqual(names(refs('sticky').services), ['v1@file', 'v2@file']);
  assert.equal(refs('v1').serversTransport, 'insecure@file');
  assert.deepEqual(names(refs('v1').middlewares), ['retry@file']);
});

test('qualifies TLS options, except default', () => {
  const merged = mergeYaml({
    file: `
http:
  routers:
    a: {rule: "Host(\`a\`)", service: s, tls: {options: modern}}
    b: {rule: "Host(\`b\`)", service: s, tls: {}}
    c: {rule: "Host(\`c\`)", service: s}
tls:
  options:
    modern: {minVersion: VersionTLS13}
`,
  });
  assert.equal(merged.http.routers.get('a@file')!.refs!.tlsOptions, 'modern@file');
  assert.equal(merged.http.routers.get('b@file')!.refs!.tlsOptions, 'default');
  assert.equal(merged.http.routers.get('c@file')!.refs!.tlsOptions, '');
  assert.deepEqual(Object.keys(merged.tls.options), ['modern@file']);
});

test('carries rejected items along without config, with their diagnostics', () => {
  const merged = mergeYaml({
    file: `
http:
  services:
    broken:
      loadBalancer:
        servers: [{url: "http://10.0.0.1"}]
      weighted:
        services: [{name: x}]
`,
  });
  const broken = merged.http.services.get('broken@file')!;
  assert.equal(broken.config, null);
  assert.equal(broken.refs, null);
  assert.ok(broken.raw !== null && typeof broken.raw === 'object');
  assert.equal(broken.diagnostics[0]?.code, 'SERVICE_MULTIPLE_TYPES');
});

test('keeps diagnostics not tied to an item at the top', () => {
  const merged = mergeYaml({ file: 'http: {routerz: {}}' });
  assert.equal(merged.diagnostics[0]?.code, 'CONFIG_UNKNOWN_FIELD');
});

test('attaches a provider diagnostic about an item to that item', () => {
  const snapshot = snapshotFromYaml('file', 'http: {routers: {api: {rule: "Host(`a`)", service: s}}}');
  const warning = {
    severity: 'warning' as const, code: 'FILE_DUPLICATE_ITEM', resource: 'api@file', path: 'http.routers.api',
    message: 'HTTP router already configured in a.yml, skipping the definition in b.yml',
  };
  const merged = merge(new Map([['file', { ...snapshot, diagnostics: [warning] }]]), options);
  assert.deepEqual(merged.http.routers.get('api@file')!.diagnostics, [warning]);
  assert.deepEqual(merged.diagnostics, []);
});
