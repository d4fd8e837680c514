import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultEntryPoints, defaultUdpEntryPoints, type EntryPointInfo } from './entry-points.ts';
import { snapshotFromYaml } from './fixture-snapshot.ts';
import { merge } from './merge.ts';

const ep = (name: string, extra: Partial<EntryPointInfo> = {}): EntryPointInfo => ({ name, isUdp: false, asDefault: false, ...extra });

test('without asDefault, every TCP entry point except traefik, sorted', () => {
  assert.deepEqual(defaultEntryPoints([ep('websecure'), ep('traefik'), ep('dns', { isUdp: true }), ep('web')]), ['web', 'websecure']);
});

test('with asDefault, only the flagged entry points', () => {
  assert.deepEqual(defaultEntryPoints([ep('web'), ep('websecure', { asDefault: true }), ep('admin', { asDefault: true })]), ['admin', 'websecure']);
});

test('a flagged UDP entry point or traefik is still never a default', () => {
  assert.deepEqual(defaultEntryPoints([
    ep('web'), ep('dns', { isUdp: true, asDefault: true }), ep('traefik', { asDefault: true }), ep('websecure', { asDefault: true }),
  ]), ['websecure']);
});

test('UDP routers default to every UDP entry point', () => {
  assert.deepEqual(defaultUdpEntryPoints([ep('web'), ep('syslog', { isUdp: true }), ep('dns', { isUdp: true })]), ['dns', 'syslog']);
});

test('merge gives routers without entry points the defaults and keeps listed ones', () => {
  const snapshot = snapshotFromYaml('file', `
http:
  routers:
    everywhere: {rule: "Host(\`a\`)", service: s}
    admin: {rule: "Host(\`b\`)", service: s, entryPoints: [traefik]}
tcp:
  routers:
    db: {rule: "HostSNI(\`*\`)", service: s}
udp:
  routers:
    dns: {service: s}
`);
  const merged = merge(new Map([['file', snapshot]]), {
    entryPoints: [ep('web'), ep('websecure', { asDefault: true }), ep('traefik'), ep('dns', { isUdp: true })],
    precedence: [],
  });
  assert.deepEqual(merged.http.routers.get('everywhere@file')!.refs!.entryPoints, ['websecure']);
  assert.deepEqual(merged.http.routers.get('admin@file')!.refs!.entryPoints, ['traefik']);
  assert.deepEqual(merged.tcp.routers.get('db@file')!.refs!.entryPoints, ['websecure']);
  assert.deepEqual(merged.udp.routers.get('dns@file')!.refs!.entryPoints, ['dns']);
});
