import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RequestHead } from '../lib/exchange.ts';
import type { RuleExplanation } from '../lib/matcher.ts';
import { compileHttpRule } from './http-rule.ts';
import type { RuleSyntax } from './http-rule.ts';
import { routingPath } from './routing-path.ts';
import { request } from './testing/match-cases.ts';

function explain(rule: string, overrides: Partial<RequestHead>, syntax: RuleSyntax = 'v3'): RuleExplanation & { match: boolean } {
  const compiled = compileHttpRule(rule, syntax);
  if (!compiled.ok) assert.fail(`${rule}: ${compiled.error.message}`);
  const req = request(overrides);
  const path = routingPath(req.path);
  if (path === null) assert.fail(`invalid path ${req.path}`);
  assert.ok(compiled.matcher.explain !== undefined, 'a compiled HTTP rule explains itself');
  return { ...compiled.matcher.explain(req, path), match: compiled.matcher.match(req, path) };
}

interface ExplainCase {
  readonly rule: string;
  readonly syntax?: RuleSyntax;
  readonly request: Partial<RequestHead>;
  readonly matched: boolean;
  /** [matcher, matched] per leaf in written order. */
  readonly leaves: readonly (readonly [string, boolean])[];
  readonly reason: string;
}

const cases: readonly ExplainCase[] = [
  {
    rule: 'Host(`a.example`)', request: { host: 'b.example' }, matched: false,
    leaves: [['Host', false]], reason: 'Host(`a.example`) did not match host b.example',
  },
  { rule: 'Host(`a.example`)', request: { host: 'a.example' }, matched: true, leaves: [['Host', true]], reason: 'matched' },
  {
    rule: 'Host(`a.example`) && PathPrefix(`/api`)', request: { host: 'a.example', path: '/web' }, matched: false,
    leaves: [['Host', true], ['PathPrefix', false]], reason: 'PathPrefix(`/api`) did not match path /web',
  },
  {
    rule: 'Host(`a.example`) && PathPrefix(`/api`)', request: { host: 'c.example', path: '/web' }, matched: false,
    leaves: [['Host', false], ['PathPrefix', false]], reason: 'Host(`a.example`) did not match host c.example',
  },
  {
    rule: 'Host(`a.example`) || Host(`b.example`)', request: { host: 'c.example' }, matched: false,
    leaves: [['Host', false], ['Host', false]],
    reason: 'no alternative matched (Host(`a.example`) did not match host c.example; Host(`b.example`) did not match host c.example)',
  },
  {
    rule: 'Host(`a.example`) && !PathPrefix(`/admin`)', request: { host: 'a.example', path: '/admin/x' }, matched: false,
    leaves: [['Host', true], ['PathPrefix', false]], reason: '!PathPrefix(`/admin`) did not match path /admin/x',
  },
  {
    rule: '!(Host(`a.example`) || Method(`POST`))', request: { host: 'b.example', method: 'POST' }, matched: false,
    leaves: [['Host', true], ['Method', false]], reason: '!Method(`POST`) did not match method POST',
  },
  {
    rule: 'HostRegexp(`^[a-z]+\\.example$`)', request: { host: 'x1.example' }, matched: false,
    leaves: [['HostRegexp', false]], reason: 'HostRegexp(`^[a-z]+\\.example$`) did not match host x1.example',
  },
  {
    rule: 'PathRegexp(`^/v[0-9]+/`)', request: { path: '/caf%C3%A9' }, matched: false,
    leaves: [['PathRegexp', false]], reason: 'PathRegexp(`^/v[0-9]+/`) did not match path /café',
  },
  {
    rule: 'Header(`X-Canary`, `on`)', request: { headers: ['X-Canary', 'off'] }, matched: false,
    leaves: [['Header', false]], reason: 'Header(`X-Canary`, `on`) did not match header x-canary: "off"',
  },
  {
    rule: 'Header(`X-Canary`, `on`)', request: { headers: [] }, matched: false,
    leaves: [['Header', false]], reason: 'Header(`X-Canary`, `on`) did not match header x-canary absent',
  },
  {
    rule: 'Query(`v`, `2`)', request: { query: 'v=1' }, matched: false,
    leaves: [['Query', false]], reason: 'Query(`v`, `2`) did not match query ?v=1',
  },
  {
    rule: 'ClientIP(`10.0.0.0/8`)', request: { remoteAddress: '192.0.2.10' }, matched: false,
    leaves: [['ClientIP', false]], reason: 'ClientIP(`10.0.0.0/8`) did not match client IP 192.0.2.10',
  },
  {
    rule: 'Host(`a.example`, `b.example`) && Method(`GET`, `HEAD`)', syntax: 'v2', request: { host: 'b.example', method: 'POST' }, matched: false,
    leaves: [['Host', true], ['Method', false]], reason: 'Method(`GET`, `HEAD`) did not match method POST',
  },
  {
    rule: 'HostRegexp(`{sub:[a-z]+}.example`)', syntax: 'v2', request: { host: 'api.example' }, matched: true,
    leaves: [['HostRegexp', true]], reason: 'matched',
  },
  {
    rule: 'Headers(`X-A`, `1`, `X-B`, `2`)', syntax: 'v2', request: { headers: ['X-A', '1'] }, matched: false,
    leaves: [['Headers', false]], reason: 'Headers(`X-A`, `1`, `X-B`, `2`) did not match header x-a: "1", header x-b absent',
  },
];

describe('a rule explains which of its conditions held for a request', () => {
  for (const c of cases) {
    test(`${c.syntax ?? 'v3'} ${c.rule} for ${JSON.stringify(c.request)}: ${c.reason}`, () => {
      const got = explain(c.rule, c.request, c.syntax);
      assert.equal(got.matched, c.matched);
      assert.equal(got.match, c.matched, 'explain agrees with match');
      assert.deepEqual(got.leaves.map((l) => [l.matcher, l.matched]), c.leaves);
      assert.equal(got.reason, c.reason);
    });
  }

  test('leaves keep their arguments and the negation De Morgan pushed down to them', () => {
    const got = explain('!(Host(`a.example`) && Path(`/x`))', { host: 'a.example', path: '/x' });
    assert.deepEqual(got.leaves, [
      { matcher: 'Host', args: ['a.example'], negated: true, matched: false },
      { matcher: 'Path', args: ['/x'], negated: true, matched: false },
    ]);
    assert.equal(got.reason, 'no alternative matched (!Host(`a.example`) did not match host a.example; !Path(`/x`) did not match path /x)');
  });

  test('matcher names are shown canonical whatever the spelling', () => {
    assert.deepEqual(explain('host(`a.example`) && PATHPREFIX(`/`)', { host: 'a.example' }).leaves.map((l) => l.matcher), ['Host', 'PathPrefix']);
  });
});

/** mulberry32, so every run checks the same rules and requests. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('explain agrees with match', () => {
  const atoms = [
    'Host(`a.example`)', 'Host(`*.example`)', 'HostRegexp(`^b`)', 'PathPrefix(`/api`)', 'Path(`/`)', 'PathRegexp(`[0-9]$`)',
    'Method(`POST`)', 'Header(`X-A`, `1`)', 'Query(`q`)', 'ClientIP(`192.0.2.0/24`)',
  ];
  const hosts = ['a.example', 'b.example', 'x.a.example', 'other'];
  const paths = ['/', '/api', '/api/1', '/web'];
  const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const expression = (random: () => number, depth: number): string => {
    if (depth === 0 || random() < 0.3) return `${random() < 0.2 ? '!' : ''}${pick(random, atoms)}`;
    const op = random() < 0.5 ? ' && ' : ' || ';
    const parts = Array.from({ length: 2 + Math.floor(random() * 2) }, () => expression(random, depth - 1));
    return `${random() < 0.2 ? '!' : ''}(${parts.join(op)})`;
  };

  test('on 300 generated rules and 20 requests each', () => {
    const random = seeded(7);
    let matchedSome = 0;
    for (let r = 0; r < 300; r++) {
      const rule = expression(random, 3);
      const compiled = compileHttpRule(rule, 'v3');
      if (!compiled.ok) assert.fail(`${rule}: ${compiled.error.message}`);
      for (let q = 0; q < 20; q++) {
        const req = request({
          host: pick(random, hosts), path: pick(random, paths), method: pick(random, ['GET', 'POST']),
          headers: random() < 0.5 ? ['X-A', '1'] : [], query: random() < 0.5 ? 'q' : '',
          remoteAddress: pick(random, ['192.0.2.1', '198.51.100.1']),
        });
        const path = routingPath(req.path)!;
        const expected: boolean = compiled.matcher.match(req, path);
        const got = compiled.matcher.explain!(req, path);
        assert.equal(got.matched, expected, `${rule} on ${req.host}${req.path}`);
        assert.equal(got.reason === 'matched', expected);
        if (expected) matchedSome++;
      }
    }
    assert.ok(matchedSome > 0 && matchedSome < 6000, 'both outcomes occur');
  });
});
