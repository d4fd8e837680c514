import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createApiHandler, type ApiDeps } from './api-handler.ts';
import { createMemoryExchange, type CollectedResponse, type MemoryRequest } from './testdata/memory-exchange.ts';
import { fixtureApiDeps } from './testdata/runtime-fixture.ts';

async function call(target: string, options: Omit<MemoryRequest, 'target'> = {}, deps: ApiDeps = fixtureApiDeps()):
  Promise<CollectedResponse> {
  const { exchange, response } = createMemoryExchange({ ...options, target });
  await createApiHandler(deps)(exchange);
  assert.ok(response.ended, 'the response is ended');
  return response;
}

/** JSON with keys sorted at every level, as golden files hold it. */
function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

function assertGolden(name: string, value: unknown): void {
  const file = new URL(`./testdata/${name}.json`, import.meta.url);
  const actual = sortedJson(value);
  if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(file)) {
    writeFileSync(file, actual);
    if (process.env['UPDATE_GOLDEN'] === '1') return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `golden ${name}.json (refresh with UPDATE_GOLDEN=1)`);
}

function names(response: CollectedResponse): string[] {
  return (response.json() as { name: string }[]).map((item) => item.name);
}

describe('API documents', () => {
  const cases: readonly (readonly [target: string, golden: string])[] = [
    ['/api/overview', 'overview'],
    ['/api/version', 'version'],
    ['/api/rawdata', 'rawdata'],
    ['/api/diagnostics', 'diagnostics'],
    ['/api/entrypoints', 'entrypoints'],
    ['/api/entrypoints/traefik', 'entrypoint-traefik'],
    ['/api/http/routers', 'http-routers'],
    ['/api/http/routers/api@file', 'http-router-api'],
    ['/api/http/routers/broken@file', 'http-router-broken'],
    ['/api/http/services', 'http-services'],
    ['/api/http/services/api@file', 'http-service-api'],
    ['/api/http/services/bad@file', 'http-service-bad'],
    ['/api/http/middlewares', 'http-middlewares'],
    ['/api/http/middlewares/limit@file', 'http-middleware-limit'],
    ['/api/tcp/routers', 'tcp-routers'],
    ['/api/tcp/routers/db@file', 'tcp-router-db'],
    ['/api/tcp/services', 'tcp-services'],
    ['/api/tcp/middlewares', 'tcp-middlewares'],
    ['/api/udp/routers', 'udp-routers'],
    ['/api/udp/services/dns@file', 'udp-service-dns'],
  ];
  for (const [target, golden] of cases) {
    it(`serves ${target} as in ${golden}.json`, async () => {
      const response = await call(target);
      assert.equal(response.status, 200);
      assert.equal(response.header('content-type'), 'application/json');
      assert.ok(response.body.endsWith('\n'), 'the body ends with a newline, as Go\'s JSON encoder writes it');
      assertGolden(golden, response.json());
    });
  }

  it('shows a loadBalancer with its server status, durations as Go durations and defaults omitted', async () => {
    const service = (await call('/api/http/services/api@file')).json() as Record<string, unknown>;
    assert.deepEqual(service['serverStatus'], { 'http://10.0.0.1:8080': 'UP', 'http://10.0.0.2:8080': 'DOWN' });
    assert.deepEqual(service['loadBalancer'], {
      servers: [{ url: 'http://10.0.0.1:8080', weight: 1 }, { url: 'http://10.0.0.2:8080', weight: 1 }],
      strategy: 'wrr',
      healthCheck: { mode: 'http', path: '/health', method: 'GET', interval: '10s', timeout: '5s', followRedirects: true },
      passHostHeader: true,
      responseForwarding: { flushInterval: '100ms' },
    });
    assert.equal(service['type'], 'loadbalancer');
  });

  it('shows a router with its effective priority, default TLS options and entry points in use', async () => {
    const router = (await call('/api/http/routers/api@file')).json() as Record<string, unknown>;
    const rule = 'Host(`api.example.com`) && PathPrefix(`/v1`)';
    assert.equal(router['priority'], rule.length);
    assert.equal(router['priorityStr'], String(rule.length));
    assert.deepEqual(router['tls'], { options: 'default' });
    assert.deepEqual(router['using'], ['websecure']);
    assert.equal(router['error'], undefined, 'error is left out when empty');
  });

  it('shows an item that failed validation as written, disabled, with its errors', async () => {
    const router = (await call('/api/http/routers/broken@file')).json() as Record<string, unknown>;
    assert.equal(router['priority'], 0);
    assert.equal(router['status'], 'disabled');
    assert.equal(router['rule'], 'Host(`broken.example.com`)');
    assert.deepEqual(router['error'], ['expected an integer, got "high"']);
  });

  it('escapes <, > and & in strings as Go does', async () => {
    const body = (await call('/api/http/routers/api@file')).body;
    assert.match(body, /Host\(`api\.example\.com`\) \\u0026\\u0026 PathPrefix/);
  });

  it('lists every diagnostic with its source location', async () => {
    const diagnostics = (await call('/api/diagnostics')).json() as { code: string; source?: unknown }[];
    assert.deepEqual(diagnostics.map((d) => d.code),
      ['CONFIG_TEMPLATE_UNSUPPORTED', 'CONFIG_INVALID_TYPE', 'ROUTER_SERVICE_NOT_FOUND', 'CONFIG_INVALID_VALUE']);
    assert.ok(diagnostics.every((d) => d.source !== undefined));
  });
});

describe('API errors', () => {
  const notFound: readonly (readonly [target: string, message: string])[] = [
    ['/api/http/routers/nope@file', 'router not found: nope@file'],
    ['/api/http/services/nope@file', 'service not found: nope@file'],
    ['/api/http/middlewares/nope@file', 'middleware not found: nope@file'],
    ['/api/tcp/routers/nope@file', 'router not found: nope@file'],
    ['/api/tcp/services/nope@file', 'service not found: nope@file'],
    ['/api/tcp/middlewares/nope@file', 'middleware not found: nope@file'],
    ['/api/udp/routers/nope@file', 'router not found: nope@file'],
    ['/api/udp/services/nope@file', 'service not found: nope@file'],
    ['/api/entrypoints/nope', 'entry point not found: nope'],
    ['/api/http/routers/foo%2Fbar@file', 'router not found: foo/bar@file'],
  ];
  for (const [target, message] of notFound) {
    it(`answers 404 {"message": "${message}"} for ${target}`, async () => {
      const response = await call(target);
      assert.equal(response.status, 404);
      assert.equal(response.header('content-type'), 'application/json');
      assert.deepEqual(response.json(), { message });
    });
  }

  it('unescapes names in the path', async () => {
    const response = await call('/api/http/routers/api%40file');
    assert.equal(response.status, 200);
    assert.equal((response.json() as { name: string }).name, 'api@file');
  });

  it('answers 404 for paths the API does not have', async () => {
    for (const target of ['/api/nope', '/api/udp/middlewares', '/api/http/routers/', '/api/http/routers/a/b', '/dashboard/']) {
      assert.equal((await call(target)).status, 404, target);
    }
  });

  it('answers 405 to methods other than GET', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) {
      assert.equal((await call('/api/http/routers', { method })).status, 405, method);
    }
  });

  it('serves under api.basePath only', async () => {
    const deps = fixtureApiDeps({ basePath: '/traefik/' });
    assert.equal((await call('/traefik/api/version', {}, deps)).status, 200);
    assert.equal((await call('/api/version', {}, deps)).status, 404);
  });
});

describe('API list filters', () => {
  const cases: readonly (readonly [target: string, expected: string[]])[] = [
    ['/api/http/routers?search=OLD.example', ['legacy@file']],
    ['/api/http/routers?search=api', ['api@file']],
    ['/api/http/routers?status=disabled', ['broken@file', 'legacy@file']],
    ['/api/http/routers?status=WARNING', ['web@file']],
    ['/api/http/routers?serviceName=web@file', ['broken@file', 'web@file']],
    ['/api/http/routers?serviceName=api', ['api@file']],
    ['/api/http/routers?middlewareName=auth', ['api@file']],
    ['/api/http/routers?middlewareName=strip@file', ['api@file']],
    ['/api/http/routers?middlewareName=auth&status=disabled', []],
    ['/api/http/services?search=WEB', ['web-v2@file', 'web@file']],
    ['/api/http/services?status=disabled', ['bad@file']],
    ['/api/http/middlewares?search=li', ['limit@file']],
    ['/api/tcp/routers?search=db.example', ['db@file']],
    ['/api/udp/routers?serviceName=dns@file', ['dns@file']],
  ];
  for (const [target, expected] of cases) {
    it(`${target} lists ${expected.join(', ') || 'nothing'}`, async () => {
      assert.deepEqual(names(await call(target)), expected);
    });
  }
});

describe('API list order', () => {
  const cases: readonly (readonly [target: string, expected: string[]])[] = [
    ['/api/http/routers', ['api@file', 'broken@file', 'legacy@file', 'web@file']],
    ['/api/http/routers?direction=desc', ['web@file', 'legacy@file', 'broken@file', 'api@file']],
    ['/api/http/routers?sortBy=priority', ['broken@file', 'legacy@file', 'web@file', 'api@file']],
    ['/api/http/routers?sortBy=priority&direction=desc', ['api@file', 'web@file', 'legacy@file', 'broken@file']],
    ['/api/http/routers?sortBy=status', ['broken@file', 'legacy@file', 'api@file', 'web@file']],
    ['/api/http/routers?sortBy=entryPoints&direction=desc', ['web@file', 'api@file', 'legacy@file', 'broken@file']],
    ['/api/http/services?sortBy=servers&direction=desc', ['api@file', 'web-v2@file', 'bad@file', 'web@file', 'shadow@file']],
    ['/api/http/services?sortBy=type', ['api@file', 'bad@file', 'web-v2@file', 'shadow@file', 'web@file']],
    ['/api/http/middlewares?sortBy=type', ['auth@file', 'limit@file', 'strip@file']],
  ];
  for (const [target, expected] of cases) {
    it(`${target} lists ${expected.join(', ')}`, async () => {
      assert.deepEqual(names(await call(target)), expected);
    });
  }
});

describe('API pagination', () => {
  it('pages with X-Next-Page, 1 on the last page', async () => {
    const first = await call('/api/http/routers?per_page=3');
    assert.deepEqual(names(first), ['api@file', 'broken@file', 'legacy@file']);
    assert.equal(first.header('x-next-page'), '2');
    const second = await call('/api/http/routers?per_page=3&page=2');
    assert.deepEqual(names(second), ['web@file']);
    assert.equal(second.header('x-next-page'), '1');
    const all = await call('/api/http/routers');
    assert.equal(all.header('x-next-page'), '1');
  });

  it('pages entry points too', async () => {
    const page = await call('/api/entrypoints?per_page=2&page=2');
    assert.deepEqual(names(page), ['web', 'websecure']);
    assert.equal(page.header('x-next-page'), '1');
  });

  it('answers an empty first page for an empty list', async () => {
    const response = await call('/api/http/routers?status=nothing');
    assert.equal(response.status, 200);
    assert.deepEqual(response.json(), []);
  });

  const bad: readonly (readonly [target: string, message: string])[] = [
    ['/api/http/routers?page=3&per_page=2', 'invalid request: page: 3, per_page: 2'],
    ['/api/http/routers?page=2', 'invalid request: page: 2, per_page: 100'],
    ['/api/http/routers?page=0', 'invalid request: page: 0'],
    ['/api/http/routers?page=abc', 'invalid request: page: 0'],
    ['/api/http/routers?per_page=-1', 'invalid request: per_page: -1'],
    ['/api/entrypoints?page=9', 'invalid request: page: 9, per_page: 100'],
  ];
  for (const [target, message] of bad) {
    it(`answers 400 "${message}" for ${target}`, async () => {
      const response = await call(target);
      assert.equal(response.status, 400);
      assert.deepEqual(response.json(), { message });
      assert.equal(response.header('x-next-page'), undefined);
    });
  }
});
