import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RequestHead } from '../lib/exchange.ts';
import type { HttpRequestMatcher } from '../lib/matcher.ts';
import { compileHttpRule } from './http-rule.ts';
import { defaultHttpPriority } from './priority.ts';
import { createHttpRouteTable } from './route-table.ts';
import type { HttpRoute } from './route-table.ts';

function request(overrides: Partial<RequestHead> = {}): RequestHead {
  return {
    method: 'GET', path: '/', query: '', headers: [], httpVersion: '1.1', host: 'example.com',
    remoteAddress: '192.0.2.10', remotePort: 40000, clientIp: '192.0.2.10', localPort: 80, tls: undefined, entryPoint: 'web', ...overrides,
  };
}

function matcher(rule: string): HttpRequestMatcher {
  const compiled = compileHttpRule(rule, 'v3');
  if (!compiled.ok) assert.fail(`${rule}: ${compiled.error.message}`);
  return compiled.matcher;
}

/** A router with its default priority; its value is its name. */
function router(name: string, rule: string, options: { priority?: number; precedence?: number } = {}): HttpRoute<string> {
  return { name, priority: options.priority ?? defaultHttpPriority(rule), precedence: options.precedence ?? 0, matcher: matcher(rule), value: name };
}

/** Wraps each route's matcher to count calls, per route. */
function counted<T>(routes: readonly HttpRoute<T>[]): { routes: HttpRoute<T>[]; calls: Map<string, number>; total: () => number } {
  const calls = new Map<string, number>();
  const wrapped = routes.map((route) => ({
    ...route,
    matcher: {
      hosts: route.matcher.hosts,
      match: (req: RequestHead, path: string) => {
        calls.set(route.name, (calls.get(route.name) ?? 0) + 1);
        return route.matcher.match(req, path);
      },
    },
  }));
  return { routes: wrapped, calls, total: () => [...calls.values()].reduce((a, b) => a + b, 0) };
}

describe('route table lookups', () => {
  const table = createHttpRouteTable([
    router('api', 'Host(`example.com`) && PathPrefix(`/api`)'),
    router('site', 'Host(`example.com`)'),
    router('wild', 'Host(`*.example.com`)'),
    router('admin', 'Host(`admin.example.com`)'),
    router('spaced', 'Path(`/foo bar`)'),
    router('health', 'Path(`/health`)', { priority: 1000 }),
    router('fallback', 'PathPrefix(`/`)', { priority: 1 }),
  ]);
  const cases: { title: string; request: Partial<RequestHead>; expected: string | undefined | null }[] = [
    { title: 'the longest matching rule wins', request: { host: 'example.com', path: '/api/users' }, expected: 'api' },
    { title: 'a shorter rule on the same host', request: { host: 'example.com', path: '/about' }, expected: 'site' },
    { title: 'an explicit priority beats length', request: { host: 'example.com', path: '/health' }, expected: 'health' },
    { title: 'an exact host beats a shorter wildcard', request: { host: 'admin.example.com', path: '/' }, expected: 'admin' },
    { title: 'a wildcard covers other subdomains', request: { host: 'shop.example.com', path: '/' }, expected: 'wild' },
    { title: 'a wildcard does not cover two labels', request: { host: 'a.shop.example.com', path: '/' }, expected: 'fallback' },
    { title: 'an unknown host falls to host-agnostic routers', request: { host: 'other.org', path: '/x' }, expected: 'fallback' },
    { title: 'a request without a host', request: { host: '', path: '/x' }, expected: 'fallback' },
    { title: 'a host with a trailing dot', request: { host: 'admin.example.com.', path: '/' }, expected: 'admin' },
    { title: 'the routing path is decoded once for matchers', request: { host: 'other.org', path: '/foo%20bar' }, expected: 'spaced' },
    { title: 'an invalid encoding is null (400)', request: { host: 'example.com', path: '/api/%zz' }, expected: null },
    { title: 'a truncated escape is null (400)', request: { host: 'example.com', path: '/a%' }, expected: null },
  ];
  for (const c of cases) {
    test(c.title, () => assert.equal(table.find(request(c.request)), c.expected));
  }

  test('returns undefined when no router matches (404)', () => {
    const only = createHttpRouteTable([router('a', 'Host(`a.com`)')]);
    assert.equal(only.find(request({ host: 'b.com' })), undefined);
    assert.equal(createHttpRouteTable<string>([]).find(request()), undefined);
  });

  test('equal priorities are decided by precedence, then name', () => {
    const rule = 'Host(`example.com`)';
    const tied = createHttpRouteTable([
      router('z@file', rule, { precedence: 6 }),
      router('b@kubernetescrd', rule, { precedence: 1 }),
      router('a@kubernetescrd', rule, { precedence: 1 }),
    ]);
    assert.equal(tied.find(request()), 'a@kubernetescrd');
  });

  test('a router that can never match is never tried', () => {
    const { routes, calls } = counted([router('never', 'Host(`a.com`) && Host(`b.com`)'), router('any', 'PathPrefix(`/`)')]);
    assert.equal(createHttpRouteTable(routes).find(request({ host: 'a.com' })), 'any');
    assert.equal(calls.get('never'), undefined);
  });
});

describe('route table with 10,000 host routers', () => {
  const count = 10_000;
  const hostRoutes = Array.from({ length: count }, (_, i) => router(`svc${i}@file`, `Host(\`svc${i}.example.com\`)`));
  const others = [
    router('health@internal', 'PathPrefix(`/health`)', { priority: 10_000 }),
    router('wild@file', 'Host(`*.example.com`) && PathPrefix(`/static`)'),
    router('regexp@file', 'HostRegexp(`^legacy\\.`)', { priority: 2 }),
    router('fallback@file', 'PathPrefix(`/`)', { priority: 1 }),
  ];
  const { routes, calls, total } = counted([...hostRoutes, ...others]);
  const table = createHttpRouteTable(routes);

  const cases: { title: string; request: Partial<RequestHead>; expected: string; tried: string[] }[] = [
    {
      title: 'an exact host tries only the routers ahead of its own',
      request: { host: 'svc1234.example.com', path: '/' },
      expected: 'svc1234@file',
      tried: ['health@internal', 'wild@file', 'svc1234@file'],
    },
    {
      title: 'a host that only the wildcard covers tries the wildcard and host-agnostic routers',
      request: { host: 'unknown.example.com', path: '/static/app.js' },
      expected: 'wild@file',
      tried: ['health@internal', 'wild@file'],
    },
    {
      title: 'a host no router names tries only host-agnostic routers',
      request: { host: 'legacy.example.org', path: '/' },
      expected: 'regexp@file',
      tried: ['health@internal', 'regexp@file'],
    },
    {
      title: 'a miss on an exact host falls through its short list',
      request: { host: 'svc7.example.com', path: '/', method: 'GET' },
      expected: 'svc7@file',
      tried: ['health@internal', 'wild@file', 'svc7@file'],
    },
  ];
  for (const c of cases) {
    test(c.title, () => {
      calls.clear();
      assert.equal(table.find(request(c.request)), c.expected);
      assert.deepEqual([...calls.keys()].sort(), [...c.tried].sort());
      assert.equal(total(), c.tried.length);
    });
  }

  test('a request no router matches evaluates only its candidates', () => {
    const strict = counted([...hostRoutes, router('wild@file', 'Host(`*.example.com`) && PathPrefix(`/static`)')]);
    const strictTable = createHttpRouteTable(strict.routes);
    assert.equal(strictTable.find(request({ host: 'svc42.example.com', path: '/', method: 'GET' })), 'svc42@file');
    strict.calls.clear();
    assert.equal(strictTable.find(request({ host: 'nobody.example.net', path: '/' })), undefined);
    assert.equal(strict.total(), 0);
    assert.equal(strictTable.find(request({ host: 'nobody.example.com', path: '/' })), undefined);
    assert.equal(strict.total(), 1);
  });
});
