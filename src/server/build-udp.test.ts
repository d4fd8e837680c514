/**
 * buildUdp(): one effective router per UDP entry point, the services it picks servers from, and
 * diagnostics for what cannot be built.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EntryPointInfo } from '../pipeline/entry-points.ts';
import { fixtureEntryPoints, resolveYaml } from '../pipeline/fixture-snapshot.ts';
import { buildUdp } from './build-udp.ts';

const entryPoints: EntryPointInfo[] = [...fixtureEntryPoints, { name: 'syslog', isUdp: true, asDefault: false }];

test('each UDP entry point gets the router whose name sorts last; the other is warned', () => {
  const runtime = resolveYaml({
    file: `
udp:
  routers:
    alpha: {service: dns, entryPoints: [dns]}
    beta: {service: dns, entryPoints: [dns, syslog]}
  services:
    dns: {loadBalancer: {servers: [{address: "10.0.0.3:53"}, {address: "10.0.0.4:53"}]}}
`,
  }, { entryPoints });
  const state = buildUdp(runtime);
  assert.equal(state.entryPoints.get('dns')!.routerName, 'beta@file');
  assert.equal(state.entryPoints.get('syslog')!.routerName, 'beta@file');
  assert.equal(state.entryPoints.get('dns')!.serviceName, 'dns@file');
  assert.equal(runtime.udp.routers.get('alpha@file')!.status, 'warning');
  const service = state.entryPoints.get('dns')!.service;
  assert.deepEqual([service.pick()?.address, service.pick()?.address, service.pick()?.address], ['10.0.0.3:53', '10.0.0.4:53', '10.0.0.3:53']);
});

test('weighted UDP services pick children by GCD round robin, nested', () => {
  const runtime = resolveYaml({
    file: `
udp:
  routers:
    r: {service: canary, entryPoints: [dns]}
  services:
    v1: {loadBalancer: {servers: [{address: "10.0.0.1:53"}]}}
    v2: {loadBalancer: {servers: [{address: "10.0.0.2:53"}]}}
    inner: {weighted: {services: [{name: v1}, {name: v2}]}}
    canary: {weighted: {services: [{name: inner, weight: 3}, {name: v2, weight: 1}]}}
`,
  }, { entryPoints });
  const service = buildUdp(runtime).entryPoints.get('dns')!.service;
  const picks = Array.from({ length: 8 }, () => service.pick()!.address.slice(7, 8)).join(' ');
  // canary: inner inner inner v2 …; inner alternates v1 v2 on its own.
  assert.equal(picks, '1 2 1 2 2 1 2 2');
  assert.deepEqual([...service.servers].sort(), ['10.0.0.1:53', '10.0.0.2:53']);
});

test('a UDP service with a malformed server address is disabled, and so is its router', () => {
  const runtime = resolveYaml({
    file: `
udp:
  routers:
    r: {service: dns, entryPoints: [dns]}
  services:
    dns: {loadBalancer: {servers: [{address: "10.0.0.3:53"}, {address: "10.0.0.4"}]}}
`,
  }, { entryPoints });
  const state = buildUdp(runtime);
  assert.equal(state.entryPoints.size, 0);
  const service = runtime.udp.services.get('dns@file')!;
  assert.equal(service.status, 'disabled');
  assert.equal(service.diagnostics.at(-1)!.code, 'SERVICE_SERVER_ADDRESS_INVALID');
  assert.equal(service.diagnostics.at(-1)!.path, 'udp.services.dns.loadBalancer.servers[1].address');
  assert.equal(runtime.udp.routers.get('r@file')!.diagnostics.at(-1)!.code, 'ROUTER_SERVICE_UNAVAILABLE');
});

test('two routers still claiming one entry point after resolve: the name sorting last keeps it, with a warning', () => {
  const runtime = resolveYaml({
    file: `
udp:
  routers:
    alpha: {service: dns, entryPoints: [dns]}
    beta: {service: dns, entryPoints: [dns]}
  services:
    dns: {loadBalancer: {servers: [{address: "10.0.0.3:53"}]}}
`,
  }, { entryPoints });
  const alpha = runtime.udp.routers.get('alpha@file')!;
  (alpha.using as string[]).push('dns');
  const state = buildUdp(runtime);
  assert.equal(state.entryPoints.get('dns')!.routerName, 'beta@file');
  assert.equal(alpha.diagnostics.at(-1)!.code, 'UDP_ROUTER_SHADOWED');
});
