import { describe } from 'node:test';
import { runCases } from './testing/match-cases.ts';

describe('Header', () => {
  runCases([
    { rule: 'Header(`X-Foo`, `bar`)', request: { headers: ['X-Foo', 'bar'] }, expected: true },
    { rule: 'Header(`x-foo`, `bar`)', request: { headers: ['X-FOO', 'bar'] }, expected: true, why: 'names are case-insensitive' },
    { rule: 'Header(`X-Foo`, `bar`)', request: { headers: ['X-Foo', 'Bar'] }, expected: false, why: 'values are case-sensitive' },
    { rule: 'Header(`X-Foo`, `bar`)', request: { headers: ['X-Foo', 'bar, baz'] }, expected: false, why: 'lists are not split' },
    { rule: 'Header(`X-Foo`, `bar`)', request: { headers: ['X-Foo', 'baz', 'x-foo', 'bar'] }, expected: true, why: 'any line' },
    { rule: 'Header(`X-Foo`, `bar`)', request: { headers: ['X-Other', 'bar'] }, expected: false },
    { rule: 'Header(`X-Foo`, `bar`)', request: { headers: [] }, expected: false },
    { rule: 'Header(`Host`, `example.com`)', request: { headers: ['Host', 'example.com'] }, expected: false, why: 'Go moves Host out of the headers' },
  ]);
});

describe('HeaderRegexp', () => {
  runCases([
    { rule: 'HeaderRegexp(`Content-Type`, `json`)', request: { headers: ['content-type', 'application/json; charset=utf-8'] }, expected: true, why: 'unanchored' },
    { rule: 'HeaderRegexp(`Content-Type`, `^json`)', request: { headers: ['Content-Type', 'application/json'] }, expected: false },
    { rule: 'HeaderRegexp(`X-Id`, `^[0-9]+$`)', request: { headers: ['X-Id', 'abc', 'X-Id', '42'] }, expected: true, why: 'any line' },
    { rule: 'HeaderRegexp(`X-Id`, `.*`)', request: { headers: [] }, expected: false, why: 'the header must be present' },
    { rule: 'HeaderRegexp(`Host`, `.*`)', request: { headers: ['Host', 'example.com'] }, expected: false },
  ]);
});
