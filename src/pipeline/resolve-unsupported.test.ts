import { test } from 'node:test';
import assert from 'node:assert/strict';
import { everythingSupported, resolveYaml } from './fixture-snapshot.ts';

const yaml = `
http:
  routers:
    r: {rule: "Host(\`a\`)", service: sticky, middlewares: [limit]}
    ok: {rule: "Host(\`b\`)", service: leaf}
  middlewares:
    limit: {plugin: {rate-limiter: {average: 5}}}
  services:
    sticky: {highestRandomWeight: {services: [{name: leaf}]}}
    leaf: {loadBalancer: {servers: [{url: "http://10.0.0.1"}]}}
tcp:
  routers:
    db: {rule: "HostSNI(\`*\`)", service: db}
  services:
    db: {loadBalancer: {servers: [{address: "10.0.0.2:5432"}]}}
udp:
  routers:
    dns: {service: dns}
  services:
    dns: {loadBalancer: {servers: [{address: "10.0.0.3:53"}]}}
`;

const limited = resolveYaml({ file: yaml }, {
  supported: {
    httpMiddlewares: new Set(['stripPrefix']),
    httpServices: new Set(['loadBalancer', 'weighted']),
    tcp: false,
    udp: false,
  },
});

test('a middleware kind not implemented yet is disabled with a diagnostic saying so', () => {
  const limit = limited.http.middlewares.get('limit@file')!;
  assert.equal(limit.status, 'disabled');
  assert.deepEqual(limit.errors, ['the middleware kind "plugin" is not implemented yet in Switchyard']);
  assert.equal(limit.diagnostics[0]!.code, 'MIDDLEWARE_KIND_NOT_IMPLEMENTED');
  assert.equal(limit.diagnostics[0]!.path, 'http.middlewares.limit.plugin');
});

test('a service kind not implemented yet is disabled with a diagnostic saying so', () => {
  const sticky = limited.http.services.get('sticky@file')!;
  assert.equal(sticky.status, 'disabled');
  assert.deepEqual(sticky.errors, ['the service kind "highestRandomWeight" is not implemented yet in Switchyard']);
  assert.equal(sticky.diagnostics[0]!.code, 'SERVICE_KIND_NOT_IMPLEMENTED');
});

test('a router using an unimplemented kind is disabled and says why', () => {
  const r = limited.http.routers.get('r@file')!;
  assert.equal(r.status, 'disabled');
  assert.deepEqual(r.errors, [
    'the service kind "highestRandomWeight" is not implemented yet in Switchyard',
    'the middleware kind "plugin" is not implemented yet in Switchyard',
  ]);
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['ROUTER_SERVICE_DISABLED', 'ROUTER_MIDDLEWARE_DISABLED']);
  assert.equal(limited.http.routers.get('ok@file')!.status, 'enabled');
});

test('TCP and UDP items are disabled when TCP or UDP routing is not implemented', () => {
  assert.deepEqual(limited.tcp.routers.get('db@file')!.errors[0], 'TCP routing is not implemented yet in Switchyard');
  assert.equal(limited.tcp.routers.get('db@file')!.status, 'disabled');
  assert.equal(limited.tcp.services.get('db@file')!.status, 'disabled');
  assert.deepEqual(limited.udp.routers.get('dns@file')!.errors[0], 'UDP routing is not implemented yet in Switchyard');
  assert.equal(limited.udp.services.get('dns@file')!.diagnostics[0]!.code, 'UDP_NOT_IMPLEMENTED');
});

test('with everything supported the same configuration is enabled', () => {
  const full = resolveYaml({ file: yaml }, { supported: everythingSupported });
  assert.equal(full.http.routers.get('r@file')!.status, 'enabled');
  assert.equal(full.tcp.routers.get('db@file')!.status, 'enabled');
  assert.equal(full.udp.routers.get('dns@file')!.status, 'enabled');
});
