/**
 * The dashboard's pure modules (web/app, plain browser ES modules) run in Node too: units of
 * numbers, the honest health of services, hash routes, the location of diagnostics and the
 * explain form's query. Their types come from web/'s own JSDoc check (`tsc -p web`); here
 * they are loaded by URL, so the root project does not need to type-check browser JavaScript.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

type Health = 'UP' | 'DEGRADED' | 'FALLBACK' | 'DRAINING' | 'DOWN' | 'DISABLED' | 'UNUSED';

interface ServiceLike {
  readonly name: string;
  readonly provider: string;
  readonly status: 'enabled' | 'warning' | 'disabled';
  readonly usedBy?: readonly string[];
  readonly [kind: string]: unknown;
}

async function load<T>(path: string): Promise<T> {
  return await import(new URL(`../web/app/${path}`, import.meta.url).href) as T;
}

const format = await load<{
  formatRate(n: number): string;
  formatMs(n: number | null | undefined): string;
  formatPercent(n: number): string;
  formatBytes(n: number): string;
  formatAgo(iso: string, now: number): string;
}>('format.js');
const health = await load<{
  serviceHealth(name: string, byName: ReadonlyMap<string, ServiceLike>): Health;
  indexByName(services: readonly ServiceLike[]): Map<string, ServiceLike>;
  childServiceNames(service: ServiceLike): string[];
}>('service-health.js');
const route = await load<{
  parseHash(hash: string): { page: string; params: URLSearchParams };
  pageHref(page: string, params?: Record<string, string>): string;
}>('route.js');
const diagnostics = await load<{
  diagnosticsOf(list: readonly object[], section: string, name: string): object[];
  diagnosticLocation(d: object, shownWith?: string): string;
}>('item-diagnostics.js');
const explain = await load<{
  explainQuery(form: { url: string; method: string; headers: string; clientIP: string; entryPoint: string }): URLSearchParams;
  chosenServer(service: object | null): string | undefined;
}>('pages/explain-page.js');
const chart = await load<{ niceCeiling(value: number, floor: number): number }>('components/line-chart.js');

describe('dashboard number formats', () => {
  const cases: readonly (readonly [string, string])[] = [
    [format.formatRate(0), '0 req/s'],
    [format.formatRate(0.25), '0.25 req/s'],
    [format.formatRate(12.34), '12.3 req/s'],
    [format.formatRate(1520), '1.5k req/s'],
    [format.formatMs(null), '—'],
    [format.formatMs(0.421), '0.42 ms'],
    [format.formatMs(8.46), '8.5 ms'],
    [format.formatMs(120.4), '120 ms'],
    [format.formatMs(1250), '1.25 s'],
    [format.formatPercent(0), '0%'],
    [format.formatPercent(0.0004), '<0.1%'],
    [format.formatPercent(0.025), '2.5%'],
    [format.formatPercent(0.75), '75%'],
    [format.formatBytes(512), '512 B'],
    [format.formatBytes(1536), '1.5 KiB'],
    [format.formatBytes(5 * 1024 * 1024), '5 MiB'],
    [format.formatBytes(300 * 1024 * 1024), '300 MiB'],
    [format.formatAgo('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:00:12Z')), '12 s ago'],
    [format.formatAgo('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:05:00Z')), '5 min ago'],
  ];
  for (const [actual, expected] of cases) it(`writes ${expected}`, () => assert.equal(actual, expected));

  it('scales charts to 1, 2 or 5 times a power of ten, never below the floor', () => {
    assert.deepEqual([0, 0.3, 3, 7, 12, 180].map((v) => chart.niceCeiling(v, 1)), [1, 1, 5, 10, 20, 200]);
    assert.equal(chart.niceCeiling(0.003, 0.01), 0.01);
  });
});

describe('service health as the dashboard shows it', () => {
  const lb = (name: string, states: readonly string[] | null, extra: Partial<ServiceLike> = {}): ServiceLike => ({
    name, provider: 'file', status: 'enabled', usedBy: ['r@file'], loadBalancer: { servers: [] },
    ...(states === null ? {} : { switchyard: { servers: states.map((status, i) => ({ url: `http://s${i}`, status, weight: 1, history: [] })) } }),
    ...extra,
  });
  const byName = health.indexByName([
    lb('up@file', ['UP', 'UP']),
    lb('half@file', ['UP', 'DOWN']),
    lb('dead@file', ['DOWN', 'DOWN']),
    lb('drain@file', ['DRAINING', 'DOWN']),
    lb('idle@file', null, { usedBy: [] }),
    lb('broken@file', null, { status: 'disabled' }),
    { name: 'canary@file', provider: 'file', status: 'enabled', usedBy: ['r@file'], weighted: { services: [{ name: 'up', weight: 3 }, { name: 'dead', weight: 1 }] } },
    { name: 'allDown@file', provider: 'file', status: 'enabled', usedBy: ['r@file'], weighted: { services: [{ name: 'dead', weight: 1 }] } },
    { name: 'mirror@file', provider: 'file', status: 'enabled', usedBy: ['r@file'], mirroring: { service: 'up', mirrors: [{ name: 'dead', percent: 10 }] } },
    { name: 'fo@file', provider: 'file', status: 'enabled', usedBy: ['r@file'], failover: { service: 'dead', fallback: 'up' } },
    { name: 'foDown@file', provider: 'file', status: 'enabled', usedBy: ['r@file'], failover: { service: 'dead', fallback: 'dead' } },
    { name: 'api@internal', provider: 'internal', status: 'enabled', usedBy: ['api@internal'] },
  ]);
  const cases: readonly (readonly [string, Health, string])[] = [
    ['up@file', 'UP', 'every server UP'],
    ['half@file', 'DEGRADED', 'some servers DOWN'],
    ['dead@file', 'DOWN', 'every server DOWN, although the item status is "enabled"'],
    ['drain@file', 'DRAINING', 'no server UP, one draining'],
    ['idle@file', 'UNUSED', 'no router reaches it'],
    ['broken@file', 'DISABLED', 'its configuration has an error'],
    ['canary@file', 'DEGRADED', 'one weighted child is DOWN'],
    ['allDown@file', 'DOWN', 'its only child is DOWN'],
    ['mirror@file', 'UP', 'a DOWN mirror never decides a response'],
    ['fo@file', 'FALLBACK', 'the main service is DOWN and the fallback UP'],
    ['foDown@file', 'DOWN', 'main and fallback are DOWN'],
    ['api@internal', 'UP', 'internal services live in the process'],
  ];
  for (const [name, expected, why] of cases) {
    it(`shows ${name} ${expected}: ${why}`, () => assert.equal(health.serviceHealth(name, byName), expected));
  }

  it('qualifies child references with the parent provider', () => {
    assert.deepEqual(health.childServiceNames(byName.get('mirror@file')!), ['up@file', 'dead@file']);
    assert.deepEqual(health.childServiceNames(byName.get('fo@file')!), ['dead@file', 'up@file']);
  });
});

describe('dashboard routes, diagnostics and explain queries', () => {
  it('reads a page and its parameters from the hash, and the overview for anything unknown', () => {
    const parsed = route.parseHash('#/services?q=shop%40file');
    assert.equal(parsed.page, 'services');
    assert.equal(parsed.params.get('q'), 'shop@file');
    assert.equal(route.parseHash('#/nope').page, 'overview');
    assert.equal(route.parseHash('').page, 'overview');
    assert.equal(route.pageHref('routers', { protocol: 'tcp', q: '' }), '#/routers?protocol=tcp');
  });

  it('finds the diagnostics of an item by resource or by its path in a file', () => {
    const list = [
      { code: 'A', severity: 'error', resource: 'web@file', path: 'http.routers.web.service', message: 'x' },
      { code: 'B', severity: 'error', resource: '/etc/dyn.yml', path: 'http.services.api.loadBalancer', message: 'y', source: { file: '/etc/dyn.yml', line: 7, column: 3 } },
      { code: 'C', severity: 'error', resource: '/etc/dyn.yml', path: 'http.services.apiv2.loadBalancer', message: 'z' },
    ];
    assert.deepEqual(diagnostics.diagnosticsOf(list, 'http.routers', 'web@file').map((d) => (d as { code: string }).code), ['A']);
    assert.deepEqual(diagnostics.diagnosticsOf(list, 'http.services', 'api@file').map((d) => (d as { code: string }).code), ['B']);
    assert.equal(diagnostics.diagnosticLocation(list[1]!), '/etc/dyn.yml:7:3');
    assert.equal(diagnostics.diagnosticLocation(list[0]!, 'web@file'), 'http.routers.web.service');
    assert.equal(diagnostics.diagnosticLocation(list[0]!), 'web@file · http.routers.web.service');
  });

  it("builds the explain query from the form, one header parameter per line, and finds the picked server", () => {
    const query = explain.explainQuery({ url: ' http://a.test/x ', method: 'POST', headers: 'Cookie: s=1\n\nX-A: b\n', clientIP: '', entryPoint: 'web' });
    assert.equal(query.toString(), 'url=http%3A%2F%2Fa.test%2Fx&method=POST&header=Cookie%3A+s%3D1&header=X-A%3A+b&entryPoint=web');
    assert.equal(explain.chosenServer({ name: 'w', child: { name: 'lb', server: 'http://s1' } }), 'http://s1');
    assert.equal(explain.chosenServer(null), undefined);
  });
});
