import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RequestHead } from '../lib/exchange.ts';
import { compileHttpRule } from './http-rule.ts';
import type { RuleSyntax } from './http-rule.ts';
import { defaultHttpPriority } from './priority.ts';
import { explainHttpRoutes } from './route-explanation.ts';
import type { ExplainableRoute } from './route-explanation.ts';
import { createHttpRouteTable } from './route-table.ts';
import { request } from './testing/match-cases.ts';

function route(name: string, rule: string, options: Partial<Omit<ExplainableRoute, 'name' | 'matcher'>> & { syntax?: RuleSyntax } = {}): ExplainableRoute {
  const compiled = compileHttpRule(rule, options.syntax ?? 'v3');
  return {
    name,
    priority: options.priority ?? defaultHttpPriority(rule),
    precedence: options.precedence ?? 0,
    matcher: compiled.ok ? compiled.matcher : null,
    serving: options.serving ?? compiled.ok,
    tls: options.tls ?? false,
    errors: options.errors ?? (compiled.ok ? [] : [compiled.error.message]),
  };
}

describe('explaining which router takes a request', () => {
  test('lists the routers tried before the winner with why each did not match, then stops', () => {
    const routes = [
      route('api@file', 'Host(`a.example`) && PathPrefix(`/api`)'),
      route('site@file', 'Host(`a.example`)'),
      route('other@file', 'Host(`b.example`)', { priority: 100 }),
      route('last@file', 'PathPrefix(`/`)', { priority: 1 }),
    ];
    const got = explainHttpRoutes(routes, request({ host: 'a.example', path: '/web' }), false);
    assert.equal(got.winner?.name, 'site@file');
    assert.deepEqual(got.verdicts.map((v) => [v.route.name, v.result, v.reason]), [
      ['other@file', 'not-matched', 'Host(`b.example`) did not match host a.example'],
      ['api@file', 'not-matched', 'PathPrefix(`/api`) did not match path /web'],
      ['site@file', 'matched', 'matched'],
    ]);
  });

  test('a tie on priority goes to provider precedence, and the explanation says so', () => {
    const routes = [
      route('web@kubernetescrd', 'PathPrefix(`/`)', { priority: 10, precedence: 1 }),
      route('web@file', 'PathPrefix(`/`)', { priority: 10, precedence: 0 }),
    ];
    const got = explainHttpRoutes(routes, request(), false);
    assert.equal(got.winner?.name, 'web@file');
    assert.deepEqual(got.alsoMatched.map((a) => a.route.name), ['web@kubernetescrd']);
    assert.match(got.verdicts[0]!.reason, /^matched; web@kubernetescrd also matches with the same priority 10 but comes later/);
    assert.match(got.alsoMatched[0]!.why, /provider file comes before kubernetescrd in providers\.precedence, so web@file takes the request/);
  });

  test('a tie on priority and precedence goes to the name, and a router after a tie says why it comes later', () => {
    const routes = [
      route('b@file', 'Host(`x.example`)', { priority: 5 }),
      route('a@file', 'PathPrefix(`/`)', { priority: 5 }),
      route('c@file', 'PathPrefix(`/`)', { priority: 5 }),
    ];
    const got = explainHttpRoutes(routes, request({ host: 'y.example' }), false);
    assert.equal(got.winner?.name, 'a@file');
    assert.deepEqual(got.verdicts.map((v) => v.route.name), ['a@file']);
    assert.match(got.alsoMatched[0]!.why, /a@file sorts first by name/);
    const second = explainHttpRoutes(routes, request({ host: 'x.example', path: '/' }), false);
    assert.equal(second.winner?.name, 'a@file');
    const third = explainHttpRoutes(routes.slice(0, 1).concat(routes[2]!), request({ host: 'y.example' }), false);
    assert.equal(third.winner?.name, 'c@file');
    assert.match(third.verdicts[1]!.order ?? '', /same priority 5 and provider precedence as b@file; b@file sorts first by name/);
  });

  test('TLS routers are skipped on plain connections and plain ones on TLS connections', () => {
    const routes = [
      route('secure@file', 'Host(`a.example`)', { tls: true, priority: 50 }),
      route('plain@file', 'Host(`a.example`)', { priority: 40 }),
    ];
    const plain = explainHttpRoutes(routes, request({ host: 'a.example' }), false);
    assert.equal(plain.winner?.name, 'plain@file');
    assert.deepEqual(plain.verdicts.map((v) => [v.route.name, v.result]), [['secure@file', 'tls-only'], ['plain@file', 'matched']]);
    assert.match(plain.verdicts[0]!.reason, /its rule matches this request/);
    const tls = explainHttpRoutes(routes, request({ host: 'a.example' }), true);
    assert.equal(tls.winner?.name, 'secure@file');
    const none = explainHttpRoutes(routes.slice(1), request({ host: 'a.example' }), true);
    assert.equal(none.winner, null);
    assert.deepEqual(none.verdicts.map((v) => v.result), ['plain-only']);
  });

  test('disabled routers are listed with their errors wherever they fall, and never win', () => {
    const routes = [
      route('broken@file', 'Host(`a.example`', { priority: 100 }),
      route('off@file', 'PathPrefix(`/`)', { priority: 90, serving: false, errors: ['the service "gone@file" does not exist'] }),
      route('ok@file', 'PathPrefix(`/`)', { priority: 50 }),
      route('late@file', 'PathPrefix(`/x`)', { priority: 10, serving: false, errors: ['middleware "m@file" does not exist'] }),
    ];
    const got = explainHttpRoutes(routes, request({ path: '/x' }), false);
    assert.equal(got.winner?.name, 'ok@file');
    assert.deepEqual(got.verdicts.map((v) => [v.route.name, v.result]), [
      ['broken@file', 'disabled'], ['off@file', 'disabled'], ['ok@file', 'matched'], ['late@file', 'disabled'],
    ]);
    assert.equal(got.verdicts[0]!.leaves, undefined);
    assert.equal(got.verdicts[1]!.reason, 'the service "gone@file" does not exist (its rule matches this request)');
  });

  test('a path with an invalid percent-encoding has no winner', () => {
    const got = explainHttpRoutes([route('all@file', 'PathPrefix(`/`)')], request({ path: '/a%zz' }), false);
    assert.equal(got.badPath, true);
    assert.equal(got.winner, null);
  });
});

/** mulberry32, so every run checks the same routers and requests. */
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

const hosts = ['example.com', 'a.example.com', 'b.example.com', 'x.a.example.com', 'other.org', 'localhost'];
const wildcards = ['*.example.com', '*.a.example.com', '*.other.org'];
const paths = ['/', '/api', '/api/v1', '/static/app.js', '/health'];
const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function randomRule(random: () => number): { rule: string; syntax: RuleSyntax } {
  const templates: (() => { rule: string; syntax: RuleSyntax })[] = [
    () => ({ rule: `Host(\`${pick(random, hosts)}\`)`, syntax: 'v3' }),
    () => ({ rule: `Host(\`${pick(random, wildcards)}\`)`, syntax: 'v3' }),
    () => ({ rule: `Host(\`${pick(random, hosts)}\`) && PathPrefix(\`${pick(random, paths)}\`)`, syntax: 'v3' }),
    () => ({ rule: `Host(\`${pick(random, wildcards)}\`) && Method(\`${pick(random, ['GET', 'POST'])}\`)`, syntax: 'v3' }),
    () => ({ rule: `PathPrefix(\`${pick(random, paths)}\`)`, syntax: 'v3' }),
    () => ({ rule: `!Host(\`${pick(random, hosts)}\`) && Method(\`${pick(random, ['GET', 'POST'])}\`)`, syntax: 'v3' }),
    () => ({ rule: 'HostRegexp(`^[a-z]+\\.example\\.com$`)', syntax: 'v3' }),
    () => ({ rule: 'PathRegexp(`^/api/v[0-9]+`)', syntax: 'v3' }),
    () => ({ rule: `Host(\`${pick(random, hosts)}\`, \`${pick(random, hosts)}\`)`, syntax: 'v2' }),
    () => ({ rule: 'HostRegexp(`{sub:[a-z]+}.example.com`)', syntax: 'v2' }),
  ];
  return pick(random, templates)();
}

describe("explain's winner is the route table's winner", () => {
  const configs = [
    { seed: 1, routes: 40, requests: 400 },
    { seed: 2, routes: 200, requests: 400 },
    { seed: 3, routes: 8, requests: 400 },
    { seed: 4, routes: 8, requests: 400 },
  ];
  for (const config of configs) {
    test(`seed ${config.seed}: ${config.routes} routers (plain, TLS, disabled), ${config.requests} requests on each kind of connection`, () => {
      const random = seeded(config.seed);
      const routes = Array.from({ length: config.routes }, (_, i) => {
        const { rule, syntax } = randomRule(random);
        // Few distinct priorities and precedences, so ties are common.
        const priority = random() < 0.5 ? defaultHttpPriority(rule) : pick(random, [0, 10, 20]);
        return route(`r${Math.floor(random() * config.routes)}-${i}@p${i % 3}`, rule, {
          syntax, priority, precedence: i % 3, tls: random() < 0.3, serving: random() < 0.9,
        });
      });
      // The built entry point: one table for plain connections, one for TLS, serving routers only.
      const tables = {
        plain: createHttpRouteTable(routes.filter((r) => r.serving && !r.tls).map((r) => ({ ...r, matcher: r.matcher!, value: r.name }))),
        tls: createHttpRouteTable(routes.filter((r) => r.serving && r.tls).map((r) => ({ ...r, matcher: r.matcher!, value: r.name }))),
      };
      let hits = 0;
      for (let i = 0; i < config.requests; i++) {
        const req: RequestHead = request({ host: pick(random, [...hosts, 'z.example.com', '']), path: pick(random, paths), method: pick(random, ['GET', 'POST']) });
        for (const tls of [false, true]) {
          const expected = (tls ? tables.tls : tables.plain).find(req);
          const got = explainHttpRoutes(routes, req, tls);
          assert.equal(got.winner?.name, expected, `tls=${tls} host=${req.host} path=${req.path} method=${req.method}`);
          if (expected !== undefined) {
            hits++;
            assert.equal(got.verdicts.filter((v) => v.result === 'matched').length, 1);
          }
          // Every router listed before the winner on this kind of connection did not match.
          for (const v of got.verdicts) if (v.result === 'not-matched') assert.notEqual(v.route.name, expected);
        }
      }
      assert.ok(hits > 0, 'no request matched');
      if (config.routes <= 8) assert.ok(hits < config.requests * 2, 'every request matched');
    });
  }
});
