import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, nearestName, unknownNameMessage } from './nearest-name.ts';

test('edit distance ignores case', () => {
  assert.equal(editDistance('passHostHeadr', 'passHostHeader'), 1);
  assert.equal(editDistance('LOADBALANCER', 'loadBalancer'), 0);
  assert.equal(editDistance('', 'abc'), 3);
});

test('suggests the nearest plausible name only', () => {
  assert.equal(nearestName('prority', ['priority', 'rule', 'service']), 'priority');
  assert.equal(nearestName('zzzzzz', ['priority', 'rule', 'service']), undefined);
});

test('lists valid names when nothing is close', () => {
  assert.equal(unknownNameMessage('field', 'zzzzzz', ['b', 'a']), 'unknown field "zzzzzz"; expected one of: a, b');
  assert.equal(unknownNameMessage('field', 'rul', ['rule']), 'unknown field "rul"; did you mean "rule"?');
});
