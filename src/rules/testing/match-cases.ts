/**
 * Test support for matcher tests: a RequestHead factory and table-driven match cases.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestHead } from '../../lib/exchange.ts';
import { compileHttpRule } from '../http-rule.ts';
import type { RuleSyntax } from '../http-rule.ts';
import { routingPath } from '../routing-path.ts';

export function request(overrides: Partial<RequestHead> = {}): RequestHead {
  return {
    method: 'GET', path: '/', query: '', headers: [], httpVersion: '1.1', host: 'example.com',
    remoteAddress: '192.0.2.10', remotePort: 40000, clientIp: '192.0.2.10', localPort: 80, tls: undefined, entryPoint: 'web', ...overrides,
  };
}

export function matches(rule: string, overrides: Partial<RequestHead>, syntax: RuleSyntax = 'v3'): boolean {
  const compiled = compileHttpRule(rule, syntax);
  if (!compiled.ok) assert.fail(`${rule}: ${compiled.error.message}`);
  const req = request(overrides);
  const path = routingPath(req.path);
  if (path === null) assert.fail(`invalid path ${req.path}`);
  return compiled.matcher.match(req, path);
}

export interface MatchCase {
  readonly rule: string;
  readonly request: Partial<RequestHead>;
  readonly expected: boolean;
  readonly why?: string;
}

export function runCases(cases: readonly MatchCase[], syntax: RuleSyntax = 'v3'): void {
  for (const c of cases) {
    const title = `${c.rule} ${c.expected ? 'matches' : 'does not match'} ${JSON.stringify(c.request)}${c.why === undefined ? '' : ` (${c.why})`}`;
    test(title, () => assert.equal(matches(c.rule, c.request, syntax), c.expected));
  }
}
