import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EntryPointInfo } from './entry-points.ts';
import { fixtureEntryPoints, resolveYaml } from './fixture-snapshot.ts';

const entryPoints: EntryPointInfo[] = [...fixtureEntryPoints, { name: 'syslog', isUdp: true, asDefault: false }];
const services = `
  services:
    dns: {loadBalancer: {servers: [{address: "10.0.0.3:53"}]}}
`;

test('a UDP router defaults to every UDP entry point', () => {
  const config = resolveYaml({ file: `udp:\n  routers:\n    r: {service: dns}\n${services}` }, { entryPoints });
  const r = config.udp.routers.get('r@file')!;
  assert.equal(r.status, 'enabled');
  assert.deepEqual(r.using, ['dns', 'syslog']);
  assert.equal(r.service, 'dns@file');
});

test('only one UDP router serves an entry point: the name sorting last wins, the others warn', () => {
  const config = resolveYaml({
    file: `udp:\n  routers:\n    alpha: {service: dns, entryPoints: [dns]}\n    beta: {service: dns, entryPoints: [dns, syslog]}\n${services}`,
    kubernetescrd: `udp: {routers: {alpha: {service: dns@file, entryPoints: [dns]}}}`,
  }, { entryPoints });
  const beta = config.udp.routers.get('beta@file')!;
  assert.equal(beta.status, 'enabled');
  assert.deepEqual(beta.using, ['dns', 'syslog']);
  for (const loser of ['alpha@file', 'alpha@kubernetescrd']) {
    const r = config.udp.routers.get(loser)!;
    assert.equal(r.status, 'warning', loser);
    assert.deepEqual(r.using, []);
    assert.deepEqual(r.errors, ['config has more than one udp router for entryPoint "dns": "beta@file" is used instead']);
    assert.equal(r.diagnostics[0]!.code, 'UDP_ROUTER_SHADOWED');
  }
});

test('a disabled UDP router does not take an entry point', () => {
  const config = resolveYaml({
    file: `udp:\n  routers:\n    alpha: {service: dns, entryPoints: [dns]}\n    zulu: {service: nope, entryPoints: [dns]}\n${services}`,
  }, { entryPoints });
  assert.equal(config.udp.routers.get('zulu@file')!.status, 'disabled');
  assert.equal(config.udp.routers.get('alpha@file')!.status, 'enabled');
});

test('a UDP router without a service, or on a TCP entry point, is disabled', () => {
  const config = resolveYaml({ file: `udp:\n  routers:\n    a: {entryPoints: [dns]}\n    b: {service: dns, entryPoints: [web]}\n${services}` });
  assert.deepEqual(config.udp.routers.get('a@file')!.errors, ['the service is missing on the udp router']);
  assert.deepEqual(config.udp.routers.get('b@file')!.errors, ['entryPoint "web" doesn\'t exist', 'no valid entryPoint for this router']);
});
