import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileHttpRule } from './http-rule.ts';
import { runCases } from './testing/match-cases.ts';

describe('v2 multi-value matchers match any of their values', () => {
  runCases([
    { rule: 'Host(`a.com`, `b.com`)', request: { host: 'b.com' }, expected: true },
    { rule: 'Host(`a.com`, `b.com`)', request: { host: 'c.com' }, expected: false },
    { rule: 'Host(`A.com.`)', request: { host: 'a.com' }, expected: true },
    { rule: 'HostHeader(`a.com`)', request: { host: 'a.com' }, expected: true, why: 'HostHeader = Host' },
    { rule: 'Host(`*.example.com`)', request: { host: 'a.example.com' }, expected: false, why: 'no wildcards in v2' },
    { rule: 'Host(`*.example.com`)', request: { host: '*.example.com' }, expected: true, why: 'compared literally' },
    { rule: 'Method(`GET`, `post`)', request: { method: 'POST' }, expected: true },
    { rule: 'Method(`GET`, `POST`)', request: { method: 'PUT' }, expected: false },
    { rule: 'ClientIP(`10.0.0.0/8`, `192.0.2.10`)', request: { remoteAddress: '192.0.2.10' }, expected: true },
    { rule: 'ClientIP(`10.0.0.0/8`, `192.0.2.10`)', request: { remoteAddress: '192.0.2.11' }, expected: false },
    { rule: 'Path(`/a`, `/b`)', request: { path: '/b' }, expected: true },
    { rule: 'PathPrefix(`/a`, `/b`)', request: { path: '/b/c' }, expected: true },
  ], 'v2');
});

describe('v2 path templates (gorilla/mux)', () => {
  runCases([
    { rule: 'Path(`/foo/{id:[0-9]+}`)', request: { path: '/foo/42' }, expected: true },
    { rule: 'Path(`/foo/{id:[0-9]+}`)', request: { path: '/foo/42/x' }, expected: false, why: 'anchored' },
    { rule: 'Path(`/foo/{id:[0-9]+}`)', request: { path: '/foo/abc' }, expected: false },
    { rule: 'Path(`/foo/{id}`)', request: { path: '/foo/bar' }, expected: true, why: 'default pattern is one segment' },
    { rule: 'Path(`/foo/{id}`)', request: { path: '/foo/bar/baz' }, expected: false },
    { rule: 'Path(`/css{path:(/.*)?}`)', request: { path: '/css' }, expected: true },
    { rule: 'Path(`/css{path:(/.*)?}`)', request: { path: '/css/site/main.css' }, expected: true },
    { rule: 'Path(`/css{path:(/.*)?}`)', request: { path: '/cssx' }, expected: false },
    { rule: 'Path(`/a.b`)', request: { path: '/aXb' }, expected: false, why: 'literal text is quoted' },
    { rule: 'Path(`/{n:[0-9]{3}}`)', request: { path: '/123' }, expected: true, why: 'nested braces in a pattern' },
    { rule: 'PathPrefix(`/foo/{id:[0-9]+}`)', request: { path: '/foo/42/anything' }, expected: true },
    { rule: 'PathPrefix(`/foo/{id:[0-9]+}`)', request: { path: '/foo/x' }, expected: false },
    { rule: 'PathPrefix(`/products`)', request: { path: '/products-for-sale' }, expected: true },
    { rule: 'Path(`/foo bar`)', request: { path: '/foo%20bar' }, expected: true, why: 'routing path' },
  ], 'v2');
});

describe('v2 HostRegexp templates are anchored and case-insensitive', () => {
  runCases([
    { rule: 'HostRegexp(`{subdomain:[a-z]+}.example.com`)', request: { host: 'api.example.com' }, expected: true },
    { rule: 'HostRegexp(`{subdomain:[a-z]+}.example.com`)', request: { host: 'a.b.example.com' }, expected: false },
    { rule: 'HostRegexp(`{subdomain:[a-z]+}.example.com`)', request: { host: 'api.example.com.evil' }, expected: false, why: 'anchored' },
    { rule: 'HostRegexp(`{sub}.example.com`)', request: { host: 'api.example.com' }, expected: true, why: 'default pattern is one label' },
    { rule: 'HostRegexp(`{sub}.EXAMPLE.com`)', request: { host: 'api.example.com' }, expected: true },
    { rule: 'HostRegexp(`Example.COM`)', request: { host: 'example.com' }, expected: true },
    { rule: 'HostRegexp(`a.com`, `{x:b+}.com`)', request: { host: 'bbb.com' }, expected: true },
  ], 'v2');
});

describe('v2 Headers and HeadersRegexp take key/value pairs that must all match', () => {
  runCases([
    { rule: 'Headers(`X-Foo`, `bar`)', request: { headers: ['x-foo', 'bar'] }, expected: true },
    { rule: 'Headers(`X-Foo`, `bar`)', request: { headers: ['X-Foo', 'baz'] }, expected: false },
    { rule: 'Headers(`A`, `1`, `B`, `2`)', request: { headers: ['A', '1', 'B', '2'] }, expected: true },
    { rule: 'Headers(`A`, `1`, `B`, `2`)', request: { headers: ['A', '1'] }, expected: false },
    { rule: 'HeadersRegexp(`X-Id`, `^[0-9]+$`)', request: { headers: ['X-Id', '42'] }, expected: true },
    { rule: 'HeadersRegexp(`X-Id`, `[0-9]`)', request: { headers: ['X-Id', 'a1'] }, expected: true, why: 'unanchored' },
    { rule: 'HeadersRegexp(`X-Id`, `^[0-9]+$`, `X-Env`, `prod`)', request: { headers: ['X-Id', '42', 'X-Env', 'staging'] }, expected: false },
  ], 'v2');
});

describe('v2 Query takes "key=value" pairs', () => {
  runCases([
    { rule: 'Query(`a=1`)', request: { query: 'a=1' }, expected: true },
    { rule: 'Query(`a=1`, `b=2`)', request: { query: 'b=2&a=1' }, expected: true },
    { rule: 'Query(`a=1`, `b=2`)', request: { query: 'a=1' }, expected: false, why: 'all pairs must match' },
    { rule: 'Query(`a=1`)', request: { query: 'a=2&a=1' }, expected: false, why: 'only the first value counts' },
    { rule: 'Query(`a=`)', request: { query: 'a=anything' }, expected: true, why: 'an empty value accepts any' },
    { rule: 'Query(`a=`)', request: { query: 'b=1' }, expected: false },
    { rule: 'Query(`a=x=y`)', request: { query: 'a=x%3Dy' }, expected: true, why: 'the value may contain =' },
    { rule: 'Query(`id={id:[0-9]+}`)', request: { query: 'id=12' }, expected: true },
    { rule: 'Query(`id={id:[0-9]+}`)', request: { query: 'id=12x' }, expected: false },
    { rule: 'Query(`a`, `b`)', request: { query: 'a=b' }, expected: true, why: 'Traefik pairs the flattened list' },
    { rule: 'Query(`a=b c`)', request: { query: 'a=b+c' }, expected: true },
    { rule: 'Query(`a=1`)', request: { query: 'x=0;a=1' }, expected: true, why: 'gorilla splits on ; too' },
  ], 'v2');
});

describe('v2 rules that do not compile', () => {
  const cases: { rule: string; message: RegExp; offset: number }[] = [
    { rule: 'Header(`a`, `b`)', message: /Header is ruleSyntax v3; v2 uses Headers/, offset: 0 },
    { rule: 'PathRegexp(`^/a`)', message: /exists only in ruleSyntax v3/, offset: 0 },
    { rule: 'QueryRegexp(`a`, `b`)', message: /exists only in ruleSyntax v3/, offset: 0 },
    { rule: 'Headers(`a`)', message: /number of parameters must be multiple of 2/, offset: 0 },
    { rule: 'Query(`a`)', message: /number of parameters must be multiple of 2/, offset: 0 },
    { rule: 'Path(`foo`)', message: /path must start with a slash/, offset: 5 },
    { rule: 'Path(`/a`, `b`)', message: /path must start with a slash/, offset: 11 },
    { rule: 'Path(`/{id`)', message: /unbalanced braces/, offset: 5 },
    { rule: 'Path(`/{:[0-9]+}`)', message: /missing name or pattern/, offset: 5 },
    { rule: 'Path(`/{id:(}`)', message: /error compiling regex/, offset: 5 },
    { rule: 'Host(`exämple.com`)', message: /non-ASCII/, offset: 5 },
    { rule: 'HeadersRegexp(`a`, `(`)', message: /compiling HeadersRegexp matcher/, offset: 19 },
    { rule: 'ClientIP(`10.0.0.1`, `nope`)', message: /could not initialize IP Checker/, offset: 21 },
    { rule: 'Host()', message: /no args for matcher Host/, offset: 0 },
  ];
  for (const c of cases) {
    test(`${c.rule} is rejected`, () => {
      const compiled = compileHttpRule(c.rule, 'v2');
      if (compiled.ok) assert.fail('accepted');
      assert.match(compiled.error.message, c.message);
      assert.equal(compiled.error.offset, c.offset);
    });
  }

  test('v2-only matchers are unknown in v3 and v3-only ones in v2', () => {
    assert.equal(compileHttpRule('Headers(`a`, `b`)', 'v3').ok, false);
    assert.equal(compileHttpRule('Header(`a`, `b`)', 'v2').ok, false);
    assert.equal(compileHttpRule('Host(`a.com`, `b.com`)', 'v3').ok, false);
  });
});
