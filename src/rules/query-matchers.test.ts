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
