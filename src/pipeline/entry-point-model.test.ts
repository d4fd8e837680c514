import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EntryPointInfo } from './entry-points.ts';
import { snapshotFromYaml } from './fixture-snapshot.ts';
import { merge } from './merge.ts';

const entryPoints: EntryPointInfo[] = [
  { name: 'web', isUdp: false, asDefault: false },
  { name: 'websecure', isUdp: false, asDefault: false, model: { middlewares: ['hsts@file'], tls: { certResolver: 'le' } } },
];

function mergeRouters(yaml: string) {
  return merge(new Map([['file', snapshotFromYaml('file', yaml)]]), { entryPoints, precedence: [] }).http.routers;
}

test('splits a router on several entry points per entry point with a model', () => {
  const routers = mergeRouters('http: {routers: {api: {rule: "Host(`a`)", service: s, middlewares: [auth], entryPoints: [web, websecure]}}}');
  assert.deepEqual([...routers.keys()], ['api@file', 'websecure-api@file']);
  const plain = routers.get('api@file')!;
  assert.deepEqual(plain.refs!.entryPoints, ['web']);
  assert.deepEqual(plain.refs!.middlewares.map((m) => m.name), ['auth@file']);
  const split = routers.get('websecure-api@file')!;
  assert.deepEqual(split.refs!.entryPoints, ['websecure']);
  assert.deepEqual(split.refs!.middlewares.map((m) => m.name), ['hsts@file', 'auth@file']);
  assert.deepEqual(split.config!.tls, { certResolver: 'le' });
  assert.equal(split.refs!.tlsOptions, 'default');
});

test('keeps the name of a router only on the model entry point', () => {
  const routers = mergeRouters('http: {routers: {api: {rule: "Host(`a`)", service: s, entryPoints: [websecure], tls: {options: strict}}}}');
  assert.deepEqual([...routers.keys()], ['api@file']);
  assert.deepEqual(routers.get('api@file')!.config!.tls, { options: 'strict' }, 'its own tls wins over the model\'s');
});

test('leaves routers on entry points without a model alone', () => {
  const routers = mergeRouters('http: {routers: {api: {rule: "Host(`a`)", service: s, entryPoints: [web]}}}');
  assert.deepEqual([...routers.keys()], ['api@file']);
  assert.equal(routers.get('api@file')!.config!.entryPoints?.[0], 'web');
});
