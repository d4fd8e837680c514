// Label/field selector parsing and the PATCH flavours, table-driven.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, JsonPatchError } from './patches.ts';
import { parseSelector } from './selectors.ts';

const object = { metadata: { name: 'web', namespace: 'shop', labels: { app: 'web', tier: 'front', version: '3' } }, spec: { nodeName: 'n1' } };

describe('selectors', () => {
  const cases: [string | undefined, string | undefined, boolean][] = [
    [undefined, undefined, true],
    ['app=web', undefined, true],
    ['app==web,tier=front', undefined, true],
    ['app!=web', undefined, false],
    ['missing!=x', undefined, true],
    ['app in (api, web)', undefined, true],
    ['app notin (api,web)', undefined, false],
    ['missing notin (a)', undefined, true],
    ['tier', undefined, true],
    ['!tier', undefined, false],
    ['version>2,version<4', undefined, true],
    ['app in (web),tier in (back)', undefined, false],
    [undefined, 'metadata.name=web,metadata.namespace=shop', true],
    [undefined, 'metadata.namespace!=shop', false],
    [undefined, 'spec.nodeName==n1', true],
    ['app=web', 'metadata.name=api', false],
  ];
  for (const [labels, fields, expected] of cases) {
    test(`labels ${labels ?? '-'} fields ${fields ?? '-'} → ${expected}`, () => {
      assert.equal(parseSelector(labels, fields).matches(object), expected);
    });
  }

  test('bad syntax is a 400 naming the selector', () => {
    assert.throws(() => parseSelector('a b c', undefined), (e: { code: number; message: string }) => e.code === 400 && e.message.includes('a b c'));
    assert.throws(() => parseSelector(undefined, 'metadata.name'), (e: { code: number }) => e.code === 400);
  });
});

describe('patches', () => {
  test('merge patch: objects merge, null removes, lists replace', () => {
    assert.deepEqual(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [3] }), { a: { b: 1, d: 3 }, l: [3] });
  });

  test('strategic merge patch: lists merge by key, with the directives kubectl sends', () => {
    const deployment = { spec: { containers: [{ name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] }, { name: 'b', image: 'b:1' }] }, metadata: { finalizers: ['f1'] } };
    const patch = {
      spec: {
        '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }],
        containers: [{ name: 'a', image: 'a:2', env: [{ name: 'Y', value: '2' }] }, { name: 'b', $patch: 'delete' }, { name: 'c', image: 'c:1' }],
      },
      metadata: { finalizers: ['f2'], '$deleteFromPrimitiveList/finalizers': ['f1'] },
    };
    assert.deepEqual(applyStrategicMergePatch(deployment, patch), {
      spec: { containers: [{ name: 'a', image: 'a:2', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] }, { name: 'c', image: 'c:1' }] },
      metadata: { finalizers: ['f2'] },
    });
    assert.deepEqual(applyStrategicMergePatch({ spec: { ports: [{ port: 80, name: 'http' }] } }, { spec: { ports: [{ port: 443, name: 'https' }] } }),
      { spec: { ports: [{ port: 80, name: 'http' }, { port: 443, name: 'https' }] } });
    assert.deepEqual(applyStrategicMergePatch({ spec: { rules: [{ host: 'a' }] } }, { spec: { rules: [{ host: 'b' }] } }), { spec: { rules: [{ host: 'b' }] } },
      'lists without a merge key are replaced');
    assert.deepEqual(applyStrategicMergePatch({ spec: { a: 1, b: 2 } }, { spec: { $patch: 'replace', c: 3 } }), { spec: { c: 3 } });
  });

  test('JSON patch: add, replace, remove, test, move, copy', () => {
    const result = applyJsonPatch({ a: [1, 2], b: { c: 1 } }, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'replace', path: '/b/c', value: 2 },
      { op: 'test', path: '/b/c', value: 2 },
      { op: 'copy', from: '/b/c', path: '/d' },
      { op: 'move', from: '/d', path: '/e' },
      { op: 'remove', path: '/a/0' },
    ]);
    assert.deepEqual(result, { a: [2, 3], b: { c: 2 }, e: 2 });
    assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]), JsonPatchError);
    assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '/b' }]), JsonPatchError);
  });
});
