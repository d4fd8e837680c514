import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCycles } from './reference-cycles.ts';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

test('finds nothing in a tree', () => {
  assert.deepEqual(findCycles(graph({ a: ['b', 'c'], b: ['c'], c: [] })), new Map());
});

test('reports a self reference', () => {
  assert.deepEqual(findCycles(graph({ a: ['a'] })), new Map([['a', ['a', 'a']]]));
});

test('reports each member of a loop with the loop seen from it', () => {
  const cycles = findCycles(graph({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] }));
  assert.deepEqual(cycles.get('a'), ['a', 'b', 'c', 'a']);
  assert.deepEqual(cycles.get('b'), ['b', 'c', 'a', 'b']);
  assert.deepEqual(cycles.get('c'), ['c', 'a', 'b', 'c']);
  assert.equal(cycles.has('d'), false, 'referencing a loop is not being on it');
});

test('ignores references to unknown nodes', () => {
  assert.deepEqual(findCycles(graph({ a: ['missing'] })), new Map());
});

test('handles a long chain without overflowing the stack', () => {
  const edges: Record<string, string[]> = {};
  for (let i = 0; i < 20_000; i++) edges[`n${i}`] = [`n${i + 1}`];
  edges['n20000'] = ['n0'];
  const cycles = findCycles(graph(edges));
  assert.equal(cycles.size, 20_001);
});
