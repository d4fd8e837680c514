/**
 * 1.x rules: the v3 rule each translates to, and — compiled by Switchyard's own rule compiler —
 * which requests it matches, as 1.x matched them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestHead } from '../../../lib/exchange.ts';
import { matches } from '../../../rules/testing/match-cases.ts';
import { translateV1Routes, type V1PathModifiers } from './translate-v1-rule.ts';
import { createV1Context } from './v1-context.ts';

function translate(...rules: string[]): { rule: string; modifiers: V1PathModifiers; defaultPriority: number; warnings: string[] } {
  const ctx = createV1Context('rules.toml');
  const result = translateV1Routes(rules.map((rule, i) => ({ rule, path: ['frontends', 'f', 'routes', `r${i}`, 'rule'] })), ctx);
  if (result === undefined) assert.fail(ctx.diagnostics.map((d) => d.message).join('; '));
  return { ...result, warnings: ctx.diagnostics.map((d) => d.code) };
}

interface RuleCase {
  readonly v1: string | readonly string[];
  readonly v3: string;
  readonly match?: readonly Partial<RequestHead>[];
  readonly miss?: readonly Partial<RequestHead>[];
}

const cases: readonly RuleCase[] = [
  { v1: 'Host:example.com', v3: 'Host(`example.com`)', match: [{ host: 'example.com' }], miss: [{ host: 'www.example.com' }] },
  { v1: 'Host:Example.COM, www.example.com', v3: 'Host(`example.com`) || Host(`www.example.com`)', match: [{ host: 'www.example.com' }, { host: 'example.com' }] },
  { v1: 'Host:*.example.com', v3: 'HostRegexp(`^\\*\\.example\\.com$`)', miss: [{ host: 'a.example.com' }] },
  {
    v1: 'HostRegexp:{subdomain:[a-z]+}.example.com', v3: 'HostRegexp(`(?i)^(?:[a-z]+)\\.example\\.com$`)',
    match: [{ host: 'api.example.com' }], miss: [{ host: 'a.b.example.com' }, { host: 'example.com' }, { host: 'api.example.com.evil' }],
  },
  { v1: 'HostRegexp:{tenant}.apps.example.com', v3: 'HostRegexp(`(?i)^(?:[^.]+)\\.apps\\.example\\.com$`)', match: [{ host: 'x.apps.example.com' }] },
  { v1: 'HostRegexp:example.com', v3: 'Host(`example.com`)' },
  { v1: 'Path:/products/', v3: 'Path(`/products/`)', match: [{ path: '/products/' }], miss: [{ path: '/products/shoes' }] },
  {
    v1: 'Path:/articles/{category}/{id:[0-9]+}', v3: 'PathRegexp(`^/articles/(?:[^/]+)/(?:[0-9]+)$`)',
    match: [{ path: '/articles/news/42' }], miss: [{ path: '/articles/news/42/more' }, { path: '/articles/news/x' }],
  },
  { v1: 'PathPrefix:/api', v3: 'PathPrefix(`/api`)', match: [{ path: '/api' }, { path: '/apiv2' }], miss: [{ path: '/ap' }] },
  { v1: 'PathPrefix:/v{version:[0-9]+}/', v3: 'PathRegexp(`^/v(?:[0-9]+)/`)', match: [{ path: '/v2/users' }], miss: [{ path: '/x/v2/' }] },
  { v1: 'Method:get,POST', v3: 'Method(`GET`) || Method(`POST`)', match: [{ method: 'GET' }, { method: 'POST' }], miss: [{ method: 'PUT' }] },
  {
    v1: 'Headers:Content-Type,application/json', v3: 'Header(`Content-Type`, `application/json`)',
    match: [{ headers: ['content-type', 'application/json'] }], miss: [{ headers: ['content-type', 'text/plain'] }],
  },
  {
    v1: 'Headers:X-A,1,X-B,2', v3: 'Header(`X-A`, `1`) && Header(`X-B`, `2`)',
    match: [{ headers: ['x-a', '1', 'x-b', '2'] }], miss: [{ headers: ['x-a', '1'] }],
  },
  {
    v1: 'HeadersRegexp:Content-Type,application/(text|json)', v3: 'HeaderRegexp(`Content-Type`, `application/(text|json)`)',
    match: [{ headers: ['content-type', 'application/json; charset=utf-8'] }], miss: [{ headers: ['content-type', 'text/html'] }],
  },
  { v1: 'Query:foo=bar', v3: 'Query(`foo`, `bar`)', match: [{ query: 'foo=bar' }], miss: [{ query: 'foo=baz' }] },
  { v1: 'Query:debug=', v3: 'QueryRegexp(`debug`, `.*`)', match: [{ query: 'debug=1' }, { query: 'debug' }], miss: [{ query: 'other=1' }] },
  { v1: 'Query:id={id:[0-9]+}', v3: 'QueryRegexp(`id`, `^(?:[0-9]+)$`)', match: [{ query: 'id=42' }], miss: [{ query: 'id=x' }] },
  { v1: 'Query:a=1,b=2', v3: 'Query(`a`, `1`) && Query(`b`, `2`)', match: [{ query: 'a=1&b=2' }], miss: [{ query: 'a=1' }] },
  {
    v1: 'Host:test3.localhost;Path:/test', v3: 'Host(`test3.localhost`) && Path(`/test`)',
    match: [{ host: 'test3.localhost', path: '/test' }], miss: [{ host: 'test3.localhost', path: '/other' }],
  },
  {
    v1: ['Host:test3.localhost', 'Path:/test1,/test2'], v3: 'Host(`test3.localhost`) && (Path(`/test1`) || Path(`/test2`))',
    match: [{ host: 'test3.localhost', path: '/test2' }], miss: [{ host: 'other.localhost', path: '/test1' }],
  },
  { v1: 'PathStrip:/a', v3: 'Path(`/a`)', match: [{ path: '/a' }], miss: [{ path: '/a/b' }] },
  { v1: 'PathPrefixStrip:/api', v3: 'PathPrefix(`/api`)', match: [{ path: '/api/users' }] },
  { v1: 'PathStripRegex:/a/{id:[0-9]+}', v3: 'PathRegexp(`^/a/(?:[0-9]+)$`)', match: [{ path: '/a/1' }], miss: [{ path: '/a/1/x' }] },
  { v1: 'PathPrefixStripRegex:/t/{id}', v3: 'PathRegexp(`^/t/(?:[^/]+)`)', match: [{ path: '/t/x/y' }] },
  { v1: 'PathPrefixStripRegex:/static', v3: 'PathPrefix(`/static`)' },
  { v1: 'AddPrefix:/products', v3: 'PathPrefix(`/`)', match: [{ path: '/anything' }] },
  { v1: 'Headers:X-Quote,a`b', v3: 'Header(`X-Quote`, "a`b")', match: [{ headers: ['x-quote', 'a`b'] }] },
];

describe('1.x matchers translate to v3 rules that match the same requests', () => {
  for (const c of cases) {
    const rules = typeof c.v1 === 'string' ? [c.v1] : c.v1;
    it(`${rules.join(' + ')} → ${c.v3}`, () => {
      const { rule } = translate(...rules);
      assert.equal(rule, c.v3);
      for (const request of c.match ?? []) assert.equal(matches(rule, request), true, `matches ${JSON.stringify(request)}`);
      for (const request of c.miss ?? []) assert.equal(matches(rule, request), false, `does not match ${JSON.stringify(request)}`);
    });
  }
});

describe('1.x modifiers', () => {
  const modifierCases: readonly { v1: string | readonly string[]; modifiers: V1PathModifiers }[] = [
    { v1: 'PathStrip:/a,/longer', modifiers: { stripPrefix: ['/longer', '/a'] } },
    { v1: 'PathPrefixStrip:/api,/api/v2', modifiers: { stripPrefix: ['/api/v2', '/api'] } },
    { v1: 'PathStripRegex:/articles/{category}', modifiers: { stripPrefixRegex: ['^/articles/(?:[^/]+)'] } },
    { v1: 'PathPrefixStripRegex:/t/{id:[0-9]+}', modifiers: { stripPrefixRegex: ['^/t/(?:[0-9]+)'] } },
    { v1: 'AddPrefix:/products', modifiers: { addPrefix: '/products' } },
    { v1: 'ReplacePath:/serverless-path', modifiers: { replacePath: '/serverless-path' } },
    { v1: 'ReplacePathRegex: ^/api/v2/(.*) /api/$1', modifiers: { replacePathRegex: { regex: '^/api/v2/(.*)', replacement: '/api/$1' } } },
    { v1: ['PathPrefixStrip:/one', 'PathStrip:/one/two'], modifiers: { stripPrefix: ['/one/two'] } },
  ];
  for (const c of modifierCases) {
    const rules = typeof c.v1 === 'string' ? [c.v1] : c.v1;
    it(`${rules.join(' + ')} modifies the path like 1.x`, () => assert.deepEqual(translate(...rules).modifiers, c.modifiers));
  }

  it('warns when a later strip matcher replaces an earlier one', () => {
    assert.deepEqual(translate('PathPrefixStrip:/one', 'PathStrip:/one/two').warnings, ['V1_OVERRIDDEN']);
  });

  it('ignores a ReplacePathRegex without exactly one space, with a warning, as 1.x did', () => {
    const { modifiers, warnings } = translate('PathPrefix:/x;ReplacePathRegex:^/x/(.*)');
    assert.deepEqual(modifiers, {});
    assert.deepEqual(warnings, ['V1_NOT_TRANSLATED']);
  });
});

describe('1.x default priority', () => {
  it('is the sum of the lengths of the rules as written', () => {
    assert.equal(translate('Host:test3.localhost', 'Path:/test').defaultPriority, 'Host:test3.localhost'.length + 'Path:/test'.length);
  });

  it('counts bytes, as Go len() does', () => assert.equal(translate('Host:café.example').defaultPriority, 18));
});

describe('rules 1.x refused', () => {
  for (const rule of ['', 'host:example.com', 'PathRegexp:/x', 'Host:', 'Headers:a', 'Path:x', 'PathPrefix:x', 'Path:/{id', 'Query:x', ';']) {
    it(`${JSON.stringify(rule)} is an error and no rule`, () => {
      const ctx = createV1Context('rules.toml');
      assert.equal(translateV1Routes([{ rule, path: ['r'] }], ctx), undefined);
      assert.deepEqual(ctx.diagnostics.map((d) => [d.severity, d.code]), [['error', 'V1_INVALID_RULE']]);
    });
  }
});
