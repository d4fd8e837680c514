import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileHttpRule } from './http-rule.ts';
import type { RuleSyntax } from './http-rule.ts';

function hostsOf(rule: string, syntax: RuleSyntax = 'v3'): readonly string[] | null {
  const compiled = compileHttpRule(rule, syntax);
  if (!compiled.ok) assert.fail(`${rule}: ${compiled.error.message}`);
  return compiled.matcher.hosts;
}

describe('a matcher lists the hosts its rule can only match', () => {
  const cases: { rule: string; hosts: readonly string[] | null; syntax?: RuleSyntax; why?: string }[] = [
    { rule: 'Host(`a.com`)', hosts: ['a.com'] },
    { rule: 'Host(`A.Com.`)', hosts: ['a.com'], why: 'lower-case, trailing dot removed' },
    { rule: 'Host(`a.com`) && PathPrefix(`/x`)', hosts: ['a.com'] },
    { rule: 'PathPrefix(`/x`) && Host(`a.com`)', hosts: ['a.com'] },
    { rule: 'Host(`a.com`) || Host(`b.com`)', hosts: ['a.com', 'b.com'] },
    { rule: 'Host(`a.com`) || Host(`a.com`)', hosts: ['a.com'] },
    { rule: '(Host(`a.com`) || Host(`b.com`)) && Method(`GET`)', hosts: ['a.com', 'b.com'] },
    { rule: '(Host(`a.com`) || Host(`b.com`)) && Host(`b.com`)', hosts: ['b.com'], why: 'intersection' },
    { rule: 'Host(`a.com`) && Host(`b.com`)', hosts: [], why: 'can never match' },
    { rule: 'Host(`*.example.com`)', hosts: ['*.example.com'] },
    { rule: 'Host(`*.example.com`) || Host(`example.com`)', hosts: ['*.example.com', 'example.com'] },
    { rule: 'Host(`*.example.com`) && (Host(`a.example.com`) || Host(`b.example.com`))', hosts: ['*.example.com'], why: 'a wildcard is kept as is' },
    { rule: 'Host(`a.com`) || Path(`/x`)', hosts: null, why: 'one branch matches any host' },
    { rule: 'PathPrefix(`/`)', hosts: null },
    { rule: '!Host(`a.com`)', hosts: null },
    { rule: '!(Host(`a.com`) && Path(`/x`))', hosts: null },
    { rule: '!(Host(`a.com`) || Host(`b.com`))', hosts: null },
    { rule: '!!Host(`a.com`)', hosts: ['a.com'], why: 'double negation is positive' },
    { rule: 'Host(`*`)', hosts: null },
    { rule: 'Host(`*`) && Host(`a.com`)', hosts: ['a.com'] },
    { rule: 'HostRegexp(`^a\\.com$`)', hosts: null },
    { rule: 'Host(`a.com`, `b.com`)', hosts: ['a.com', 'b.com'], syntax: 'v2' },
    { rule: 'HostHeader(`a.com`) && Path(`/`)', hosts: ['a.com'], syntax: 'v2' },
    { rule: 'Host(`*.example.com`)', hosts: null, syntax: 'v2', why: 'v2 compares it literally' },
  ];
  for (const c of cases) {
    test(`${c.rule}${c.syntax === 'v2' ? ' (v2)' : ''} → ${JSON.stringify(c.hosts)}${c.why === undefined ? '' : ` (${c.why})`}`, () => {
      assert.deepEqual(hostsOf(c.rule, c.syntax), c.hosts);
    });
  }
});
