import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileHttpRule } from './http-rule.ts';
import type { RequestHead } from '../lib/exchange.ts';
import { request, runCases } from './testing/match-cases.ts';

describe('negation is pushed to the leaves (De Morgan)', () => {
  runCases([
    { rule: '!Host(`a.com`)', request: { host: 'b.com' }, expected: true },
    { rule: '!Host(`a.com`)', request: { host: 'a.com' }, expected: false },
    { rule: '!(Host(`a.com`) && Path(`/x`))', request: { host: 'a.com', path: '/y' }, expected: true, why: '= !Host || !Path' },
    { rule: '!(Host(`a.com`) && Path(`/x`))', request: { host: 'a.com', path: '/x' }, expected: false },
    { rule: '!(Host(`a.com`) || Path(`/x`))', request: { host: 'b.com', path: '/y' }, expected: true, why: '= !Host && !Path' },
    { rule: '!(Host(`a.com`) || Path(`/x`))', request: { host: 'b.com', path: '/x' }, expected: false },
    { rule: '!!Host(`a.com`)', request: { host: 'a.com' }, expected: true },
    { rule: '!(!Host(`a.com`) || !Method(`GET`))', request: { host: 'a.com', method: 'GET' }, expected: true },
    { rule: 'Host(`a.com`) && !PathPrefix(`/admin`)', request: { host: 'a.com', path: '/admin/x' }, expected: false },
    { rule: 'Host(`a.com`) && !PathPrefix(`/admin`)', request: { host: 'a.com', path: '/public' }, expected: true },
    { rule: '!Host(`*`)', request: { host: '' }, expected: false },
  ]);
});

describe('evaluation short-circuits left to right', () => {
  function counting(overrides: Partial<RequestHead>): { req: RequestHead; reads: () => number } {
    let reads = 0;
    const req = request(overrides);
    const host = req.host;
    Object.defineProperty(req, 'host', {
      get() {
        reads++;
        return host;
      },
    });
    return { req, reads: () => reads };
  }

  const cases: { rule: string; method: string; hostReads: number }[] = [
    { rule: 'Method(`POST`) && Host(`example.com`)', method: 'GET', hostReads: 0 },
    { rule: 'Method(`GET`) && Host(`example.com`)', method: 'GET', hostReads: 1 },
    { rule: 'Method(`GET`) || Host(`example.com`)', method: 'GET', hostReads: 0 },
    { rule: 'Method(`POST`) || Host(`example.com`)', method: 'GET', hostReads: 1 },
    { rule: '!(Method(`GET`) && Host(`example.com`))', method: 'POST', hostReads: 0 },
    { rule: 'Method(`POST`) && Host(`a`) && Host(`b`)', method: 'GET', hostReads: 0 },
  ];
  for (const c of cases) {
    test(`${c.rule} reads the host ${c.hostReads} time(s) for ${c.method}`, () => {
      const compiled = compileHttpRule(c.rule, 'v3');
      if (!compiled.ok) assert.fail(compiled.error.message);
      const { req, reads } = counting({ method: c.method });
      compiled.matcher.match(req, '/');
      assert.equal(reads(), c.hostReads);
    });
  }
});
