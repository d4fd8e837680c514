/**
 * Where requests go once the translated routers are compiled and ordered as the server orders
 * them (the real rule compiler and route table): Kubernetes path semantics, host precedence and
 * ingress-nginx canaries, on the golden fixtures.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestHead } from '../../../lib/exchange.ts';
import { compileHttpRule } from '../../../rules/http-rule.ts';
import { createHttpRouteTable } from '../../../rules/route-table.ts';
import { request } from '../../../rules/testing/match-cases.ts';
import { snapshotOf } from '../kube-objects.ts';
import { loadFixture } from './testing/load-fixture.ts';
import { translateIngresses } from './translate-ingresses.ts';

interface Routed {
  readonly router: string;
  readonly service: string;
}

/** Routes requests through the routers of a fixture's translation. */
function routerOf(fixture: string): (req: Partial<RequestHead>) => Routed | undefined {
  const { objects, options } = loadFixture(fixture);
  const { config } = translateIngresses(snapshotOf(objects), options);
  const routers = (config['http'] as { routers: Record<string, Record<string, unknown>> }).routers;
  const table = createHttpRouteTable(Object.entries(routers)
    .filter(([, r]) => r['tls'] === undefined)
    .map(([name, r]) => {
      const compiled = compileHttpRule(String(r['rule']), r['ruleSyntax'] === 'v2' ? 'v2' : 'v3');
      if (!compiled.ok) assert.fail(`${name}: ${compiled.error.message}`);
      return { name: `${name}@kubernetes`, priority: Number(r['priority']), precedence: 0, matcher: compiled.matcher, value: { router: name, service: String(r['service']) } };
    }));
  return (req) => table.find(request(req)) ?? undefined;
}

describe('Kubernetes path semantics', () => {
  const route = routerOf('paths.yaml');
  const cases: [host: string, path: string, router: string | undefined, why: string][] = [
    ['shop.example.com', '/aaa', 'default-shop-shop-example-com-aaa-00c28886e6417d5dd03c', 'Exact beats Prefix for the same path'],
    ['shop.example.com', '/aaa/', 'default-shop-shop-example-com-aaa-c55ffb262c0e841d902d', 'Prefix /aaa matches /aaa/'],
    ['shop.example.com', '/aaa/x', 'default-shop-shop-example-com-aaa-c55ffb262c0e841d902d', 'Prefix /aaa matches /aaa/x'],
    ['shop.example.com', '/aaaccc', 'default-shop-shop-example-com', 'Prefix /aaa does not match /aaaccc (element-wise)'],
    ['shop.example.com', '/aaa/bbb', 'default-shop-shop-example-com-aaa-bbb', 'trailing slash of /aaa/bbb/ is ignored'],
    ['shop.example.com', '/aaa/bbb/c', 'default-shop-shop-example-com-aaa-bbb', 'the longest prefix wins'],
    ['shop.example.com', '/aaa/bbbx', 'default-shop-shop-example-com-aaa-c55ffb262c0e841d902d', '/aaa/bbb/ does not match /aaa/bbbx'],
    ['shop.example.com', '/legacyfoo', 'default-shop-shop-example-com-legacy', 'ImplementationSpecific is a character prefix (Traefik)'],
    ['shop.example.com', '/aaa/bbb/ccc', 'default-shop-shop-example-com-aaa-bbb', 'an exact host beats a longer path without host'],
    ['x.example.com', '/aaa/q', 'default-shop-example-com-aaa', 'a wildcard host matches one label'],
    ['x.example.com', '/other', 'default-shop', 'a wildcard host without a matching path falls through to rules without host'],
    ['a.b.example.com', '/aaa', 'default-shop', 'a wildcard host matches exactly one label'],
    ['example.com', '/aaa/bbb/ccc/d', 'default-shop-aaa-bbb-ccc', 'no host: any host, longest path'],
    ['other.test', '/', 'default-shop', '/ matches everything'],
  ];
  for (const [host, path, router, why] of cases) {
    it(`${host}${path} → ${router ?? 'nothing'} (${why})`, () => assert.equal(route({ host, path })?.router, router));
  }
});

describe('ingress-nginx canaries', () => {
  const route = routerOf('nginx-canary.yaml');
  const main = 'shop-app-a-example-com-canary-weighted';
  const cases: [host: string, path: string, headers: string[], service: string, why: string][] = [
    ['a.example.com', '/', [], main, 'no header nor cookie: the weighted split'],
    ['a.example.com', '/', ['X-Canary', 'always'], 'shop-app-v2-80', 'header always → canary'],
    ['a.example.com', '/', ['X-Canary', 'never'], 'shop-app-app-80', 'header never → main, not the split'],
    ['a.example.com', '/', ['X-Canary', 'maybe'], main, 'another header value falls through to the split'],
    ['a.example.com', '/', ['Cookie', 'theme=dark; canary=always'], 'shop-app-v2-80', 'cookie always → canary'],
    ['a.example.com', '/', ['Cookie', 'canary=never'], 'shop-app-app-80', 'cookie never → main'],
    ['a.example.com', '/', ['Cookie', 'canary=always', 'X-Canary', 'never'], 'shop-app-app-80', 'the header decides before the cookie'],
    ['a.example.com', '/', ['Cookie', 'nocanary=always'], main, 'only the cookie named canary counts'],
    ['a.example.com', '/api/users', ['X-Version', 'v2'], 'shop-app-v2-80', 'a second canary on another path of the host'],
    ['a.example.com', '/api/users', ['X-Canary', 'always'], 'shop-app-app-80', 'the canary of / never outranks the longer /api'],
    ['a.example.com', '/api', ['X-Version', 'v1'], 'shop-app-app-80', 'header value canary: another value → main'],
    ['b.example.com', '/', ['X-Canary', 'always'], 'shop-app-app-80', 'no leak into another host using the same Service'],
  ];
  for (const [host, path, headers, service, why] of cases) {
    it(`${host}${path} ${JSON.stringify(headers)} → ${service} (${why})`, () => assert.equal(route({ host, path, headers })?.service, service));
  }
});
