import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RequestHead } from '../lib/exchange.ts';
import { compileHttpRule } from './http-rule.ts';
import type { RuleSyntax } from './http-rule.ts';
import { compareRoutes, defaultHttpPriority } from './priority.ts';
import { createHttpRouteTable } from './route-table.ts';
import type { HttpRoute } from './route-table.ts';
import { routingPath } from './routing-path.ts';

function request(overrides: Partial<RequestHead> = {}): RequestHead {
  return {
    method: 'GET', path: '/', query: '', headers: [], httpVersion: '1.1', host: 'example.com',
    remoteAddress: '192.0.2.10', remotePort: 40000, clientIp: '192.0.2.10', localPort: 80, tls: undefined, entryPoint: 'web', ...overrides,
  };
}

/** mulberry32: a small seeded generator, so every run checks the same routes and requests. */
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

const hosts = ['example.com', 'a.example.com', 'b.example.com', 'x.a.example.com', 'other.org', 'www.other.org', 'localhost'];
const wildcards = ['*.example.com', '*.a.example.com', '*.other.org', '*.com'];
const paths = ['/', '/api', '/api/v1', '/static/app.js', '/a b', '/health'];
const methods = ['GET', 'POST'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function randomRule(random: () => number): { rule: string; syntax: RuleSyntax } {
  const host = (): string => {
    const h = pick(random, hosts);
    return random() < 0.1 ? `${h}.` : random() < 0.1 ? h.toUpperCase() : h;
  };
  const templates: (() => { rule: string; syntax: RuleSyntax })[] = [
    () => ({ rule: `Host(\`${host()}\`)`, syntax: 'v3' }),
    () => ({ rule: `Host(\`${pick(random, wildcards)}\`)`, syntax: 'v3' }),
    () => ({ rule: `Host(\`${host()}\`) && PathPrefix(\`${pick(random, paths)}\`)`, syntax: 'v3' }),
    () => ({ rule: `Host(\`${pick(random, wildcards)}\`) && Method(\`${pick(random, methods)}\`)`, syntax: 'v3' }),
    () => ({ rule: `Host(\`${host()}\`) || Host(\`${pick(random, wildcards)}\`)`, syntax: 'v3' }),
    () => ({ rule: `(Host(\`${host()}\`) || Host(\`${host()}\`)) && Path(\`${pick(random, paths)}\`)`, syntax: 'v3' }),
    () => ({ rule: `PathPrefix(\`${pick(random, paths)}\`)`, syntax: 'v3' }),
    () => ({ rule: `!Host(\`${host()}\`) && Method(\`${pick(random, methods)}\`)`, syntax: 'v3' }),
    () => ({ rule: `Host(\`${host()}\`) || PathPrefix(\`${pick(random, paths)}\`)`, syntax: 'v3' }),
    () => ({ rule: 'Host(`*`) && Path(`/health`)', syntax: 'v3' }),
    () => ({ rule: 'HostRegexp(`^[a-z]+\\.example\\.com$`)', syntax: 'v3' }),
    () => ({ rule: `Host(\`${host()}\`) && Host(\`${host()}\`)`, syntax: 'v3' }),
    () => ({ rule: `Host(\`${host()}\`, \`${host()}\`) && Method(\`${pick(random, methods)}\`)`, syntax: 'v2' }),
    () => ({ rule: `HostRegexp(\`{sub:[a-z]+}.example.com\`)`, syntax: 'v2' }),
  ];
  return pick(random, templates)();
}

function randomRoutes(random: () => number, count: number): HttpRoute<string>[] {
  return Array.from({ length: count }, (_, i) => {
    const { rule, syntax } = randomRule(random);
    const compiled = compileHttpRule(rule, syntax);
    if (!compiled.ok) assert.fail(`${rule}: ${compiled.error.message}`);
    // Few distinct priorities, so ties on priority and precedence are common.
    const priority = random() < 0.5 ? defaultHttpPriority(rule) : pick(random, [0, 10, 20, 30]);
    return { name: `r${Math.floor(random() * count)}-${i}@p`, priority, precedence: Math.floor(random() * 3), matcher: compiled.matcher, value: `${i}: ${rule}` };
  });
}

function randomRequest(random: () => number): RequestHead {
  const hostChoices = [...hosts, 'z.example.com', 'q.x.a.example.com', 'com', '', 'example.com.', 'a.example.com.'];
  return request({ host: pick(random, hostChoices), path: pick(random, paths).replace(' ', '%20'), method: pick(random, methods) });
}

function linearScan(routes: readonly HttpRoute<string>[], req: RequestHead): string | undefined | null {
  const path = routingPath(req.path);
  if (path === null) return null;
  const sorted = routes.map((route, index) => ({ route, index })).sort((a, b) => compareRoutes(a.route, b.route) || a.index - b.index);
  return sorted.find(({ route }) => route.matcher.match(req, path))?.route.value;
}

describe('the indexed route table answers exactly like a scan of every router', () => {
  const configs = [
    { seed: 1, routes: 300, requests: 500 },
    { seed: 2, routes: 300, requests: 500 },
    { seed: 42, routes: 300, requests: 500 },
    { seed: 2024, routes: 1000, requests: 500 },
    { seed: 7, routes: 10, requests: 500 },
    { seed: 8, routes: 10, requests: 500 },
  ];
  for (const config of configs) {
    test(`seed ${config.seed}: ${config.routes} routers, ${config.requests} requests`, () => {
      const random = seeded(config.seed);
      const routes = randomRoutes(random, config.routes);
      const table = createHttpRouteTable(routes);
      let hits = 0;
      for (let i = 0; i < config.requests; i++) {
        const req = randomRequest(random);
        const found = table.find(req);
        assert.equal(found, linearScan(routes, req), `host=${req.host} path=${req.path} method=${req.method}`);
        if (found !== undefined) hits++;
      }
      // Both outcomes occur, so the comparison covers matches and misses.
      assert.ok(hits > 0, 'no request matched');
      if (config.routes <= 10) assert.ok(hits < config.requests, 'every request matched');
    });
  }
});
