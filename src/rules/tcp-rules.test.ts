import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TcpConnectionFacts, TcpConnectionMatcher } from '../lib/matcher.ts';
import type { RuleSyntax } from './http-rule.ts';
import { compileTcpRule } from './tcp-rule.ts';

function connection(overrides: Partial<TcpConnectionFacts> = {}): TcpConnectionFacts {
  return { remoteAddress: '192.0.2.10', serverName: 'example.com', isTls: true, alpn: ['h2', 'http/1.1'], ...overrides };
}

function compile(rule: string, syntax: RuleSyntax = 'v3'): TcpConnectionMatcher {
  const compiled = compileTcpRule(rule, syntax);
  if (!compiled.ok) assert.fail(`${rule}: ${compiled.error.message}`);
  return compiled.matcher;
}

interface TcpCase {
  readonly rule: string;
  readonly connection: Partial<TcpConnectionFacts>;
  readonly expected: boolean;
  readonly why?: string;
}

function runCases(cases: readonly TcpCase[], syntax: RuleSyntax = 'v3'): void {
  for (const c of cases) {
    test(`${c.rule} ${c.expected ? 'matches' : 'does not match'} ${JSON.stringify(c.connection)}${c.why === undefined ? '' : ` (${c.why})`}`, () => {
      assert.equal(compile(c.rule, syntax).match(connection(c.connection)), c.expected);
    });
  }
}

describe('HostSNI', () => {
  runCases([
    { rule: 'HostSNI(`example.com`)', connection: { serverName: 'example.com' }, expected: true },
    { rule: 'HostSNI(`example.com`)', connection: { serverName: 'www.example.com' }, expected: false },
    { rule: 'HostSNI(`example.com`)', connection: { serverName: '' }, expected: false, why: 'no SNI' },
    { rule: 'HostSNI(`Example.COM.`)', connection: { serverName: 'example.com' }, expected: true, why: 'case-insensitive, trailing dot stripped from the rule' },
    { rule: 'HostSNI(`example.com`)', connection: { serverName: 'example.com.' }, expected: false, why: 'the SNI is not trimmed' },
    { rule: 'HostSNI(`*.example.com`)', connection: { serverName: 'api.example.com' }, expected: true },
    { rule: 'HostSNI(`*.example.com`)', connection: { serverName: 'a.b.example.com' }, expected: false, why: 'one label' },
    { rule: 'HostSNI(`*.example.com`)', connection: { serverName: 'example.com' }, expected: false },
    { rule: 'HostSNI(`10.0.0.1`)', connection: { serverName: '10.0.0.1' }, expected: true },
    { rule: 'HostSNI(`*`)', connection: { serverName: 'anything' }, expected: true },
    { rule: 'HostSNI(`*`)', connection: { serverName: '', isTls: false, alpn: [] }, expected: true, why: 'the catch-all also takes plain TCP' },
  ]);
});

describe('HostSNIRegexp', () => {
  runCases([
    { rule: 'HostSNIRegexp(`^[a-z]+\\.example\\.com$`)', connection: { serverName: 'api.example.com' }, expected: true },
    { rule: 'HostSNIRegexp(`^[a-z]+\\.example\\.com$`)', connection: { serverName: 'a.b.example.com' }, expected: false },
    { rule: 'HostSNIRegexp(`example`)', connection: { serverName: 'www.example.org' }, expected: true, why: 'unanchored' },
  ]);
});

describe('ClientIP and ALPN', () => {
  runCases([
    { rule: 'ClientIP(`192.0.2.0/24`)', connection: { remoteAddress: '::ffff:192.0.2.77' }, expected: true },
    { rule: 'ClientIP(`192.0.2.0/24`)', connection: { remoteAddress: '198.51.100.1' }, expected: false },
    { rule: 'ALPN(`h2`)', connection: { alpn: ['h2', 'http/1.1'] }, expected: true },
    { rule: 'ALPN(`h2`)', connection: { alpn: ['http/1.1'] }, expected: false },
    { rule: 'ALPN(`h2`)', connection: { alpn: [] }, expected: false },
    { rule: 'HostSNI(`example.com`) && ALPN(`h2`)', connection: { serverName: 'example.com', alpn: ['h2'] }, expected: true },
    { rule: 'HostSNI(`example.com`) && !ALPN(`h2`)', connection: { serverName: 'example.com', alpn: ['h2'] }, expected: false },
  ]);
});

describe('catchAll and needsTls', () => {
  const cases: { rule: string; catchAll: boolean; needsTls: boolean; syntax?: RuleSyntax }[] = [
    { rule: 'HostSNI(`*`)', catchAll: true, needsTls: false },
    { rule: '  HostSNI( "*" )  ', catchAll: true, needsTls: false },
    { rule: '(HostSNI(`*`))', catchAll: true, needsTls: false },
    { rule: 'hostsni(`*`)', catchAll: true, needsTls: false },
    { rule: 'HostSNI(`*`) && ClientIP(`10.0.0.0/8`)', catchAll: false, needsTls: false },
    { rule: 'HostSNI(`*`) || ALPN(`h2`)', catchAll: false, needsTls: true },
    { rule: '!HostSNI(`*`)', catchAll: false, needsTls: false },
    { rule: 'HostSNI(`example.com`)', catchAll: false, needsTls: true },
    { rule: '!HostSNI(`example.com`)', catchAll: false, needsTls: true },
    { rule: 'HostSNIRegexp(`.*`)', catchAll: false, needsTls: true },
    { rule: 'ClientIP(`10.0.0.0/8`)', catchAll: false, needsTls: false },
    { rule: 'ALPN(`h2`)', catchAll: false, needsTls: true },
    { rule: 'HostSNI(`*`)', catchAll: true, needsTls: false, syntax: 'v2' },
    { rule: 'HostSNI(`*`, `a.com`)', catchAll: false, needsTls: false, syntax: 'v2' },
    { rule: 'HostSNI(`a.com`, `b.com`)', catchAll: false, needsTls: true, syntax: 'v2' },
  ];
  for (const c of cases) {
    test(`${c.rule}${c.syntax === 'v2' ? ' (v2)' : ''}: catchAll ${c.catchAll}, needsTls ${c.needsTls}`, () => {
      const m = compile(c.rule, c.syntax);
      assert.equal(m.catchAll, c.catchAll);
      assert.equal(m.needsTls, c.needsTls);
    });
  }
});

describe('v2 TCP matchers', () => {
  runCases([
    { rule: 'HostSNI(`a.com`, `b.com`)', connection: { serverName: 'b.com' }, expected: true },
    { rule: 'HostSNI(`a.com`, `b.com`)', connection: { serverName: 'c.com' }, expected: false },
    { rule: 'HostSNI(`A.com.`)', connection: { serverName: 'a.com' }, expected: true },
    { rule: 'HostSNI(`a.com`, `*`)', connection: { serverName: 'z.org' }, expected: true },
    { rule: 'HostSNI(`a.com`, `*`)', connection: { serverName: '' }, expected: false, why: 'a * after the first value needs an SNI' },
    { rule: 'HostSNI(`*`, `a.com`)', connection: { serverName: '' }, expected: true },
    { rule: 'HostSNIRegexp(`{sub:[a-z]+}.example.com`)', connection: { serverName: 'api.example.com' }, expected: true },
    { rule: 'HostSNIRegexp(`{sub:[a-z]+}.example.com`)', connection: { serverName: 'api.example.com.evil' }, expected: false, why: 'anchored' },
    { rule: 'HostSNIRegexp(`{sub}.EXAMPLE.com`)', connection: { serverName: 'api.example.com' }, expected: true, why: 'case-insensitive' },
    { rule: 'HostSNIRegexp(`a.com`, `b.com`)', connection: { serverName: 'b.com' }, expected: true },
    { rule: 'ALPN(`h2`, `http/1.1`)', connection: { alpn: ['http/1.1'] }, expected: true },
    { rule: 'ClientIP(`10.0.0.0/8`, `192.0.2.10`)', connection: { remoteAddress: '192.0.2.10' }, expected: true },
    { rule: 'ClientIP(`10.0.0.0/8`)', connection: { remoteAddress: '' }, expected: false },
  ], 'v2');
});

describe('TCP rules that do not compile', () => {
  const cases: { rule: string; syntax?: RuleSyntax; message: RegExp; offset: number }[] = [
    { rule: 'HostSNI(`*.*.example.com`)', message: /not a valid hostname/, offset: 8 },
    { rule: 'HostSNI(`exa mple.com`)', message: /not a valid hostname/, offset: 8 },
    { rule: 'HostSNI(`[::1]`)', message: /not a valid hostname/, offset: 8 },
    { rule: 'HostSNI(`a.com`, `b.com`)', message: /HostSNI takes 1 argument, got 2/, offset: 0 },
    { rule: 'HostSNIRegexp(`(`)', message: /compiling HostSNIRegexp matcher/, offset: 14 },
    { rule: 'HostSNIRegexp(`exämple`)', message: /not a valid hostname/, offset: 14 },
    { rule: 'ALPN(`acme-tls/1`)', message: /"acme-tls\/1" is not allowed/, offset: 5 },
    { rule: 'ClientIP(`nope`)', message: /initializing IP checker/, offset: 9 },
    { rule: 'Host(`a.com`)', message: /unsupported function: Host/, offset: 0 },
    { rule: 'HostSNI(``)', message: /empty args/, offset: 8 },
    { rule: 'HostSNI(`*.bar`)', syntax: 'v2', message: /not a valid hostname or IP/, offset: 8 },
    { rule: 'ALPN(`h2`, `acme-tls/1`)', syntax: 'v2', message: /is not allowed/, offset: 11 },
    { rule: 'HostSNIRegexp(`{a`)', syntax: 'v2', message: /unbalanced braces/, offset: 14 },
  ];
  for (const c of cases) {
    test(`${c.rule}${c.syntax === 'v2' ? ' (v2)' : ''} is rejected`, () => {
      const compiled = compileTcpRule(c.rule, c.syntax ?? 'v3');
      if (compiled.ok) assert.fail('accepted');
      assert.match(compiled.error.message, c.message);
      assert.equal(compiled.error.offset, c.offset);
    });
  }
});
