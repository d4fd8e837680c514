import { describe } from 'node:test';
import { runCases } from './testing/match-cases.ts';

describe('Path', () => {
  runCases([
    { rule: 'Path(`/foo`)', request: { path: '/foo' }, expected: true },
    { rule: 'Path(`/foo`)', request: { path: '/foo/' }, expected: false },
    { rule: 'Path(`/foo`)', request: { path: '/FOO' }, expected: false, why: 'case-sensitive' },
    { rule: 'Path(`/foo`)', request: { path: '/foo', query: 'a=1' }, expected: true, why: 'the query is not part of the path' },
    { rule: 'Path(`/foo bar`)', request: { path: '/foo%20bar' }, expected: true, why: 'unreserved escapes are decoded' },
    { rule: 'Path(`/café`)', request: { path: '/caf%C3%A9' }, expected: true, why: 'UTF-8 reassembles' },
    { rule: 'Path(`/foo/bar`)', request: { path: '/foo%2Fbar' }, expected: false, why: 'an encoded slash is not a slash' },
    { rule: 'Path(`/foo%2Fbar`)', request: { path: '/foo%2Fbar' }, expected: true },
  ]);
});

describe('PathPrefix', () => {
  runCases([
    { rule: 'PathPrefix(`/api`)', request: { path: '/api/users' }, expected: true },
    { rule: 'PathPrefix(`/api`)', request: { path: '/api' }, expected: true },
    { rule: 'PathPrefix(`/products`)', request: { path: '/products-for-sale' }, expected: true, why: 'a plain string prefix, not segment-aware' },
    { rule: 'PathPrefix(`/api`)', request: { path: '/ap' }, expected: false },
    { rule: 'PathPrefix(`/`)', request: { path: '/anything' }, expected: true },
    { rule: 'PathPrefix(`/a b`)', request: { path: '/a%20b/c' }, expected: true },
  ]);
});

describe('PathRegexp', () => {
  runCases([
    { rule: 'PathRegexp(`\\.css$`)', request: { path: '/assets/site.css' }, expected: true },
    { rule: 'PathRegexp(`api`)', request: { path: '/v1/api/users' }, expected: true, why: 'unanchored' },
    { rule: 'PathRegexp(`^/api`)', request: { path: '/v1/api' }, expected: false },
    { rule: 'PathRegexp(`^/users/[0-9]+$`)', request: { path: '/users/42' }, expected: true },
    { rule: 'PathRegexp(`^/a b$`)', request: { path: '/a%20b' }, expected: true, why: 'sees the routing path' },
    { rule: 'PathRegexp(`[a-z]`)', request: { path: '/' }, expected: false, why: 'no leading slash required in the pattern' },
  ]);
});

describe('Method', () => {
  runCases([
    { rule: 'Method(`GET`)', request: { method: 'GET' }, expected: true },
    { rule: 'Method(`get`)', request: { method: 'GET' }, expected: true, why: 'the rule value is upper-cased' },
    { rule: 'Method(`GET`)', request: { method: 'get' }, expected: false, why: 'the request method is case-sensitive' },
    { rule: 'Method(`GET`)', request: { method: 'HEAD' }, expected: false, why: 'HEAD is not GET' },
    { rule: 'Method(`POST`)', request: { method: 'GET' }, expected: false },
    { rule: 'Method(`PURGE`)', request: { method: 'PURGE' }, expected: true, why: 'any token' },
  ]);
});
