import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readRequestCookie } from './request-cookie.ts';

test('finds the cookie among several on one line', () => {
  assert.equal(readRequestCookie(['Cookie', 'a=1; lvl1=x; lvl2=y'], 'lvl2'), 'y');
  assert.equal(readRequestCookie(['cookie', 'lvl1=x;lvl2=y'], 'lvl1'), 'x');
});

test('reads several Cookie lines, in order, among other headers, whatever the header name case', () => {
  const headers = ['Host', 'example.com', 'COOKIE', 'a=1', 'Accept', '*/*', 'Cookie', 'b=2; c=3', 'cookie', 'c=4'];
  assert.equal(readRequestCookie(headers, 'a'), '1');
  assert.equal(readRequestCookie(headers, 'c'), '3');
  assert.equal(readRequestCookie(headers, 'd'), undefined);
});

test('the first well-formed pair of that name wins', () => {
  assert.equal(readRequestCookie(['Cookie', 's=first; s=second'], 's'), 'first');
  assert.equal(readRequestCookie(['Cookie', 's=bad\\value; s=good'], 's'), 'good');
  assert.equal(readRequestCookie(['Cookie', 's=in"side', 'Cookie', 's=good'], 's'), 'good');
});

test('removes one pair of surrounding quotes', () => {
  assert.equal(readRequestCookie(['Cookie', 's="abc"'], 's'), 'abc');
  assert.equal(readRequestCookie(['Cookie', 's=""'], 's'), '');
  assert.equal(readRequestCookie(['Cookie', 's="'], 's'), undefined);
});

test('trims spaces around pairs and names but keeps them inside the value', () => {
  assert.equal(readRequestCookie(['Cookie', '  s  =v ;t=1'], 's'), 'v');
  assert.equal(readRequestCookie(['Cookie', 's= v w'], 's'), ' v w');
  assert.equal(readRequestCookie(['Cookie', '\ts=v\t'], 's'), 'v');
});

test('names are exact and case-sensitive', () => {
  assert.equal(readRequestCookie(['Cookie', 'lvl10=a; xlvl1=b; LVL1=c; lvl1 x=d'], 'lvl1'), undefined);
  assert.equal(readRequestCookie(['Cookie', 'lvl10=a; lvl1=b'], 'lvl1'), 'b');
});

test('a name without = has an empty value', () => {
  assert.equal(readRequestCookie(['Cookie', 'a=1; s; b=2'], 's'), '');
});

test('a value may contain = and commas', () => {
  assert.equal(readRequestCookie(['Cookie', 's=a=b,c'], 's'), 'a=b,c');
});

test('absent headers or odd trailing name', () => {
  assert.equal(readRequestCookie([], 's'), undefined);
  assert.equal(readRequestCookie(['Cookie'], 's'), undefined);
  assert.equal(readRequestCookie(['Cookie', ''], 's'), undefined);
  assert.equal(readRequestCookie(['Cookie', ';;; ;'], 's'), undefined);
});
