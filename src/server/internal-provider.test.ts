import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseStaticConfig, type StaticConfig } from '../config/static.ts';
import { internalServiceNames, internalSnapshot } from './internal-provider.ts';

function staticConfig(raw: Record<string, unknown>): StaticConfig {
  const parsed = parseStaticConfig({ entryPoints: { web: { address: ':80' } }, ...raw }, { resource: 'static' });
  assert.ok(parsed.config !== null, JSON.stringify(parsed.diagnostics));
  return parsed.config;
}

/** The internal snapshot's routers and middlewares, as plain data. */
function internal(raw: Record<string, unknown>): { routers: Record<string, Record<string, unknown>>; middlewares: Record<string, Record<string, unknown>> } {
  const snapshot = internalSnapshot(staticConfig(raw));
  assert.deepEqual(snapshot.diagnostics, []);
  assert.deepEqual(snapshot.rejected, []);
  const http = snapshot.config.http as unknown as { routers?: object; middlewares?: object } | undefined;
  return JSON.parse(JSON.stringify({ routers: http?.routers ?? {}, middlewares: http?.middlewares ?? {} })) as never;
}

describe('internal provider: API and dashboard', () => {
  it('adds no router for the API without api.insecure: it is reachable only through a user router', () => {
    assert.deepEqual(Object.keys(internal({ api: {} }).routers), []);
    assert.deepEqual(Object.keys(internal({ api: { insecure: false, dashboard: true } }).routers), []);
  });

  it('adds Traefik\'s api and dashboard routers on the traefik entry point with api.insecure', () => {
    const { routers, middlewares } = internal({ api: { insecure: true } });
    assert.deepEqual(routers['api'], {
      rule: 'PathPrefix(`/api`)', entryPoints: ['traefik'], service: 'api@internal', priority: Number.MAX_SAFE_INTEGER - 1,
    });
    assert.deepEqual(routers['dashboard'], {
      rule: 'PathPrefix(`/`)', entryPoints: ['traefik'], service: 'dashboard@internal', priority: Number.MAX_SAFE_INTEGER - 2,
      middlewares: ['dashboard_redirect', 'dashboard_stripprefix'],
    });
    // Traefik's own regex and prefixes (pkg/provider/traefik/internal.go).
    assert.deepEqual(middlewares['dashboard_redirect'], {
      kind: 'redirectRegex',
      redirectRegex: { regex: '^(http:\\/\\/(\\[[\\w:.]+\\]|[\\w\\._-]+)(:\\d+)?)\\/$', replacement: '${1}/dashboard/', permanent: true },
    });
    assert.deepEqual(middlewares['dashboard_stripprefix'], { kind: 'stripPrefix', stripPrefix: { prefixes: ['/dashboard/', '/dashboard'] } });
  });

  it('adds only the api router when the dashboard is off', () => {
    const { routers, middlewares } = internal({ api: { insecure: true, dashboard: false } });
    assert.deepEqual(Object.keys(routers), ['api']);
    assert.deepEqual(middlewares, {});
  });

  it('moves every internal API and dashboard path under api.basePath', () => {
    const { routers, middlewares } = internal({ api: { insecure: true, basePath: '/proxy/' } });
    assert.equal(routers['api']!['rule'], 'PathPrefix(`/proxy/api`)');
    assert.equal(routers['dashboard']!['rule'], 'PathPrefix(`/proxy/`)');
    const redirect = (middlewares['dashboard_redirect'] as { redirectRegex: { regex: string; replacement: string } }).redirectRegex;
    assert.equal(redirect.replacement, '${1}/proxy/dashboard/');
    assert.ok(new RegExp(redirect.regex).test('http://127.0.0.1:8080/proxy/'));
    assert.ok(!new RegExp(redirect.regex).test('http://127.0.0.1:8080/'));
    assert.deepEqual(middlewares['dashboard_stripprefix'], { kind: 'stripPrefix', stripPrefix: { prefixes: ['/proxy/dashboard/', '/proxy/dashboard'] } });
  });

  it('creates the traefik entry point when api.insecure needs it', () => {
    assert.equal(staticConfig({ api: { insecure: true } }).entryPoints['traefik']?.address, ':8080');
    assert.equal(staticConfig({ api: {} }).entryPoints['traefik'], undefined);
  });
});

describe('internal provider: ping and metrics', () => {
  it('adds /ping and /metrics on their entry points unless routed manually', () => {
    const { routers } = internal({ ping: { entryPoint: 'web' }, metrics: { prometheus: { entryPoint: 'web' } } });
    assert.equal(routers['ping']!['rule'], 'PathPrefix(`/ping`)');
    assert.deepEqual(routers['ping']!['entryPoints'], ['web']);
    assert.equal(routers['prometheus']!['service'], 'prometheus@internal');
    assert.deepEqual(routers['prometheus']!['entryPoints'], ['web']);
    const manual = internal({ ping: { manualRouting: true }, metrics: { prometheus: { manualRouting: true } } });
    assert.deepEqual(Object.keys(manual.routers), []);
  });
});

describe('internal services', () => {
  const table: readonly (readonly [string, Record<string, unknown>, readonly string[]])[] = [
    ['only noop without api, ping or metrics', {}, ['noop@internal']],
    ['api and dashboard with api', { api: {} }, ['noop@internal', 'api@internal', 'dashboard@internal']],
    ['no dashboard when it is off', { api: { dashboard: false } }, ['noop@internal', 'api@internal']],
    ['ping and prometheus with their sections', { ping: {}, metrics: { prometheus: {} } }, ['noop@internal', 'ping@internal', 'prometheus@internal']],
  ];
  for (const [title, raw, expected] of table) {
    it(title, () => assert.deepEqual([...internalServiceNames(staticConfig(raw))], expected));
  }
});
