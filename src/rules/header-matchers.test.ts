import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RequestHead } from '../lib/exchange.ts';
import { compileHttpRule } from './http-rule.ts';
import type { RuleSyntax } from './http-rule.ts';
import { routingPath } from './routing-path.ts';

function request(overrides: Partial<RequestHead> = {}): RequestHead {
  return {
    method: 'GET', path: '/', query: '', headers: [], httpVersion: '1.1', host: 'example.com',
    remoteAddress: '192.0.2.10', remotePort: 40000, localPort: 80, tls: undefined, entryPoint: 'web', ...overrides,
  };
}

function matches(rule: string, overrides: Partial<RequestHead>, syntax: RuleSyntax = 'v3'): boolean {
  const compiled = compileHttpRule(rule, syntax);
  if (!compiled.ok) assert.fail(`${rule}: ${compiled.error.message}`);
  const req = request(overrides);
  const path = routingPath(req.path);
  if (path === null) assert.fail(`invalid path ${req.path}`);
  return compiled.matcher.match(req, path);
}

interface MatchCase {
  readonly rule: string;
  readonly request: Partial<RequestHead>;
  readonly expected: boolean;
  readonly why?: string;
}

function runCases(cases: readonly MatchCase[], syntax: RuleSyntax = 'v3'): void {
  for (const c of cases) {
    const title = `${c.rule} ${c.expected ? 'matches' : 'does not match'} ${JSON.stringify(c.request)}${c.why === undefined ? '' : ` (${c.why})`}`;
    test(title, () => assert.equal(matches(c.rule, c.request, syntax), c.expected));
  }
}

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
