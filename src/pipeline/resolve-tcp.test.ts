import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveYaml } from './fixture-snapshot.ts';

function tcpRouter(definition: string) {
  const config = resolveYaml({
    file: `
tcp:
  routers:
    r: ${definition}
  services:
    db: {loadBalancer: {servers: [{address: "10.0.0.2:5432"}]}}
  middlewares:
    only-lan: {ipAllowList: {sourceRange: [10.0.0.0/8]}}
`,
  });
  return config.tcp.routers.get('r@file')!;
}

test('a catch-all router is enabled with priority -1', () => {
  const r = tcpRouter('{rule: "HostSNI(`*`)", service: db, middlewares: [only-lan]}');
  assert.equal(r.status, 'enabled');
  assert.equal(r.priority, -1);
  assert.deepEqual(r.middlewares, ['only-lan@file']);
  assert.ok(r.matcher?.catchAll);
});

test('HostSNI other than * without tls disables the router', () => {
  const r = tcpRouter('{rule: "HostSNI(`db.example.com`)", service: db}');
  assert.equal(r.status, 'disabled');
  assert.deepEqual(r.errors, ['invalid rule: "HostSNI(`db.example.com`)" , has HostSNI matcher, but no TLS on router']);
  assert.equal(r.diagnostics[0]!.code, 'ROUTER_SNI_WITHOUT_TLS');
});

test('HostSNI with tls is enabled, with the rule length as priority', () => {
  const r = tcpRouter('{rule: "HostSNI(`db.example.com`)", service: db, tls: {passthrough: true}}');
  assert.equal(r.status, 'enabled');
  assert.equal(r.priority, 'HostSNI(`db.example.com`)'.length);
});

test('HostSNI(`*`) with ClientIP needs no tls', () => {
  assert.equal(tcpRouter('{rule: "HostSNI(`*`) && ClientIP(`10.0.0.0/8`)", service: db}').status, 'enabled');
});

test('an empty rule disables the router', () => {
  const r = tcpRouter('{service: db}');
  assert.deepEqual(r.errors, ['router has no rule']);
  assert.equal(r.status, 'disabled');
});

test('a router without a service is disabled', () => {
  assert.deepEqual(tcpRouter('{rule: "HostSNI(`*`)"}').errors, ['the service is missing on the router']);
});

test('a missing TCP service or middleware disables the router', () => {
  assert.deepEqual(tcpRouter('{rule: "HostSNI(`*`)", service: nope}').errors, ['the service "nope@file" does not exist']);
  assert.deepEqual(tcpRouter('{rule: "HostSNI(`*`)", service: db, middlewares: [nope]}').errors, ['middleware "nope@file" does not exist']);
});

test('an invalid TCP rule disables the router with its position', () => {
  const r = tcpRouter('{rule: "HostSNI(`*`) &&", service: db}');
  assert.match(r.errors[0]!, /^error while parsing rule HostSNI\(`\*`\) &&: .* \(line 1, column \d+\)$/);
});

test('TCP weighted recursion is detected', () => {
  const config = resolveYaml({ file: 'tcp: {services: {a: {weighted: {services: [{name: b}]}}, b: {weighted: {services: [{name: a}]}}}}' });
  assert.deepEqual(config.tcp.services.get('a@file')!.errors, ['could not instantiate service a@file: recursion detected in a@file->b@file->a@file']);
});

test('a missing TCP servers transport disables the service', () => {
  const config = resolveYaml({ file: 'tcp: {services: {db: {loadBalancer: {servers: [{address: "10.0.0.2:5432"}], serversTransport: tls}}}}' });
  assert.deepEqual(config.tcp.services.get('db@file')!.errors, ['servers transport not found tls@file']);
});
