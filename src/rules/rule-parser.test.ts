import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RequestHead } from '../lib/exchange.ts';
import { compileHttpRule } from './http-rule.ts';
import { parseRule } from './rule-parser.ts';
import type { RuleNode } from './rule-parser.ts';
import { routingPath } from './routing-path.ts';

function request(overrides: Partial<RequestHead> = {}): RequestHead {
  return {
    method: 'GET', path: '/', query: '', headers: [], httpVersion: '1.1', host: 'example.com',
    remoteAddress: '192.0.2.10', remotePort: 40000, clientIp: '192.0.2.10', localPort: 80, tls: undefined, entryPoint: 'web', ...overrides,
  };
}

function matches(rule: string, overrides: Partial<RequestHead> = {}): boolean {
  const compiled = compileHttpRule(rule, 'v3');
  if (!compiled.ok) assert.fail(`${rule}: ${compiled.error.message}`);
  const req = request(overrides);
  return compiled.matcher.match(req, routingPath(req.path)!);
}

/** A compact rendering of a syntax tree: and(…), or(…), !…, Name(args). */
function shape(node: RuleNode): string {
  switch (node.kind) {
    case 'call':
      return `${node.name}(${node.args.map((a) => a.value).join(',')})`;
    case 'not':
      return `!${shape(node.operand)}`;
    default:
      return `${node.kind}(${node.operands.map(shape).join(' ')})`;
  }
}

function parsed(rule: string): string {
  const result = parseRule(rule);
  if (!result.ok) assert.fail(`${rule}: ${result.problem.message}`);
  return shape(result.node);
}

describe('rule grammar', () => {
  const cases: { title: string; rule: string; tree: string }[] = [
    { title: '&& binds tighter than ||', rule: 'A(`1`) || B(`2`) && C(`3`)', tree: 'or(A(1) and(B(2) C(3)))' },
    { title: '&& binds tighter than || on the left too', rule: 'A(`1`) && B(`2`) || C(`3`)', tree: 'or(and(A(1) B(2)) C(3))' },
    { title: 'parentheses override precedence', rule: '(A(`1`) || B(`2`)) && C(`3`)', tree: 'and(or(A(1) B(2)) C(3))' },
    { title: 'chains of the same operator are flat', rule: 'A(`1`) && B(`2`) && C(`3`)', tree: 'and(A(1) B(2) C(3))' },
    { title: '! applies to the next operand only', rule: '!A(`1`) && B(`2`)', tree: 'and(!A(1) B(2))' },
    { title: '! applies to a parenthesised expression', rule: '!(A(`1`) || B(`2`))', tree: '!or(A(1) B(2))' },
    { title: '! can repeat', rule: '!!A(`1`)', tree: '!!A(1)' },
    { title: 'whitespace and newlines are allowed anywhere', rule: '\n  A(\n`1`\t, `2` )\n&&\r\n  B(`3`)  \n', tree: 'and(A(1,2) B(3))' },
    { title: 'a newline between ) and && is accepted', rule: 'A(`1`)\n&& B(`2`)', tree: 'and(A(1) B(2))' },
    { title: 'Go comments are whitespace', rule: 'A(`1`) /* why */ && // note\n B(`2`)', tree: 'and(A(1) B(2))' },
    { title: 'a trailing comma in a call is allowed, as in Go', rule: 'A(`1`, `2`,)', tree: 'A(1,2)' },
    { title: 'redundant parentheses are transparent', rule: '((A(`1`)))', tree: 'A(1)' },
  ];
  for (const c of cases) {
    test(c.title, () => assert.equal(parsed(c.rule), c.tree));
  }
});

describe('string literals', () => {
  const cases: { title: string; rule: string; value: string }[] = [
    { title: 'backtick strings are raw', rule: 'A(`a\\nb"c`)', value: 'a\\nb"c' },
    { title: 'backtick strings may span lines', rule: 'A(`a\nb`)', value: 'a\nb' },
    { title: 'backtick strings drop carriage returns', rule: 'A(`a\r\nb`)', value: 'a\nb' },
    { title: 'double-quoted strings decode simple escapes', rule: 'A("a\\tb\\\\c\\"d")', value: 'a\tb\\c"d' },
    { title: 'double-quoted strings decode \\x bytes as UTF-8', rule: 'A("caf\\xc3\\xa9")', value: 'café' },
    { title: 'double-quoted strings decode octal bytes', rule: 'A("\\101\\102")', value: 'AB' },
    { title: 'double-quoted strings decode \\u and \\U', rule: 'A("\\u00e9\\U0001F600")', value: 'é😀' },
    { title: 'regex escapes need doubling in double quotes', rule: 'A("^\\\\d+$")', value: '^\\d+$' },
    { title: 'non-ASCII characters pass through', rule: 'A("héllo")', value: 'héllo' },
  ];
  for (const c of cases) {
    test(c.title, () => {
      const result = parseRule(c.rule);
      if (!result.ok) assert.fail(result.problem.message);
      assert.equal(result.node.kind, 'call');
      if (result.node.kind === 'call') assert.equal(result.node.args[0]?.value, c.value);
    });
  }
});

describe('matcher names', () => {
  test('are accepted in the four spellings Traefik registers', () => {
    for (const name of ['PathPrefix', 'pathprefix', 'PATHPREFIX', 'Pathprefix']) {
      assert.equal(matches(`${name}(\`/api\`)`, { path: '/api/x' }), true, name);
    }
  });

  test('are rejected in any other spelling', () => {
    for (const name of ['pathPrefix', 'PathPREFIX', 'Path_Prefix']) {
      assert.equal(compileHttpRule(`${name}(\`/api\`)`, 'v3').ok, false, name);
    }
  });

  test('Title case lower-cases everything after the first letter', () => {
    assert.equal(matches('Clientip(`192.0.2.10`)'), true);
    assert.equal(matches('Hostregexp(`example`)'), true);
    assert.equal(compileHttpRule('ClientIp(`192.0.2.10`)', 'v3').ok, false);
  });
});

describe('operators evaluate like Go', () => {
  const cases: { rule: string; path: string; expected: boolean }[] = [
    { rule: 'Path(`/a`) || Path(`/b`) && Method(`POST`)', path: '/a', expected: true },
    { rule: '(Path(`/a`) || Path(`/b`)) && Method(`POST`)', path: '/a', expected: false },
    { rule: '!Path(`/a`)', path: '/a', expected: false },
    { rule: '!Path(`/a`)', path: '/b', expected: true },
    { rule: '!!Path(`/a`)', path: '/a', expected: true },
  ];
  for (const c of cases) {
    test(`${c.rule} on ${c.path} is ${c.expected}`, () => {
      assert.equal(matches(c.rule, { path: c.path }), c.expected);
    });
  }
});
