import { describe } from 'node:test';
import { runCases } from './testing/match-cases.ts';

describe('Query with a value', () => {
  runCases([
    { rule: 'Query(`k`, `v`)', request: { query: 'k=v' }, expected: true },
    { rule: 'Query(`k`, `v`)', request: { query: 'k=a&k=v' }, expected: true, why: 'any value of the key' },
    { rule: 'Query(`k`, `v`)', request: { query: 'K=v' }, expected: false, why: 'keys are case-sensitive' },
    { rule: 'Query(`k`, `v`)', request: { query: 'k=V' }, expected: false },
    { rule: 'Query(`k`, `a b`)', request: { query: 'k=a+b' }, expected: true, why: '+ is a space' },
    { rule: 'Query(`k`, `a b`)', request: { query: 'k=a%20b' }, expected: true },
    { rule: 'Query(`a=b`, `c`)', request: { query: 'a%3Db=c' }, expected: true, why: 'keys are decoded' },
    { rule: 'Query(`q`, `café`)', request: { query: 'q=caf%C3%A9' }, expected: true, why: 'bytes reassemble as UTF-8' },
    { rule: 'Query(`k`, `v`)', request: { query: 'k=%zz&k=v' }, expected: true, why: 'a malformed pair is skipped, not fatal' },
    { rule: 'Query(`k`, `v`)', request: { query: 'k=v;x=1' }, expected: false, why: 'a pair with ; is skipped, as by Go' },
    { rule: 'Query(`k`, `v`)', request: { query: '' }, expected: false },
  ]);
});

describe('Query with a key only means an empty value', () => {
  runCases([
    { rule: 'Query(`k`)', request: { query: 'k' }, expected: true },
    { rule: 'Query(`k`)', request: { query: 'k=' }, expected: true },
    { rule: 'Query(`k`)', request: { query: 'x=1&k' }, expected: true },
    { rule: 'Query(`k`)', request: { query: 'k=v' }, expected: false, why: 'not "present with any value"' },
    { rule: 'Query(`k`)', request: { query: 'k=v&k=' }, expected: true },
    { rule: 'Query(`k`)', request: { query: '' }, expected: false },
  ]);
});

describe('QueryRegexp', () => {
  runCases([
    { rule: 'QueryRegexp(`id`, `^[0-9]+$`)', request: { query: 'id=42' }, expected: true },
    { rule: 'QueryRegexp(`id`, `^[0-9]+$`)', request: { query: 'id=x' }, expected: false },
    { rule: 'QueryRegexp(`id`, `[0-9]`)', request: { query: 'id=a1b' }, expected: true, why: 'unanchored' },
    { rule: 'QueryRegexp(`k`, `^.*$`)', request: { query: 'k=anything' }, expected: true, why: 'present with any value' },
    { rule: 'QueryRegexp(`k`, `^.*$`)', request: { query: 'k' }, expected: true },
    { rule: 'QueryRegexp(`k`, `^.*$`)', request: { query: 'x=1' }, expected: false },
    { rule: 'QueryRegexp(`k`)', request: { query: 'k=' }, expected: true, why: 'one argument behaves like Query' },
    { rule: 'QueryRegexp(`k`)', request: { query: 'k=v' }, expected: false },
  ]);
});
