/**
 * The dashboard in headless Chromium against the real binary, with weighted, mirrored, sticky,
 * failover and failing services on real servers: every page renders the instance's real data,
 * with no console error and no request outside Switchyard; the live view's numbers move while a
 * bounded load runs; a server whose process stops shows DOWN after the health transition; the
 * explain form gives the API's answer. Screenshots of each page go to test-results/ (and, with
 * UPDATE_SCREENSHOTS=1, the overview to docs/images/ for the README).
 *
 * Every wait is for something on the page or in the log, never for a time.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { closedPort, startBackend, type Backend } from './support/backends.ts';
import { browserSkipReason, launchChromium, recordProblems, type PageProblems } from './support/browser.ts';
import { projectRoot, startWithDynamic, type LogLine, type SwitchyardProcess } from './support/switchyard-process.ts';

/** The page's document as the functions that run inside the browser see it (the tests have no DOM types). */
declare const document: {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
  querySelectorAll(selector: string): { readonly length: number };
};

const results = join(projectRoot, 'test-results');
const skip = browserSkipReason();

let sy: SwitchyardProcess;
let dir: string;
let api: string;
let webPort: number;
let browser: Browser;
let page: Page;
let problems: PageProblems;
const backends: Record<string, Backend> = {};

function dynamicConfig(deadPort: number): string {
  const url = (name: string) => JSON.stringify(backends[name]!.url);
  return `
http:
  routers:
    app:
      rule: "Host(\`app.test\`)"
      service: canary
      middlewares: [tag]
    shop:
      rule: "Host(\`shop.test\`) && PathPrefix(\`/cart\`)"
      priority: 50
      service: sticky
    mirror:
      rule: "Host(\`mirror.test\`)"
      service: mirrored
    failing:
      rule: "Host(\`fail.test\`)"
      service: dead
    ha:
      rule: "Host(\`ha.test\`)"
      service: ha
    fragile:
      rule: "Host(\`fragile.test\`)"
      service: fragile
    broken:
      rule: "Host(\`broken.test\`)"
      service: nowhere
  middlewares:
    tag:
      headers:
        customRequestHeaders: {X-Dashboard-Test: "1"}
  services:
    canary:
      weighted:
        services:
          - {name: stable, weight: 3}
          - {name: preview, weight: 1}
    stable:
      loadBalancer:
        servers: [{url: ${url('a')}}, {url: ${url('b')}}]
    preview:
      loadBalancer:
        servers: [{url: ${url('c')}}]
    sticky:
      loadBalancer:
        sticky: {cookie: {name: shop}}
        servers: [{url: ${url('a')}}, {url: ${url('b')}}]
    mirrored:
      mirroring:
        service: primary
        mirrors:
          - {name: shadow, percent: 100, compare: true}
    primary:
      loadBalancer:
        servers: [{url: ${url('a')}}]
    shadow:
      loadBalancer:
        servers: [{url: ${url('shadow')}}]
    dead:
      loadBalancer:
        servers: [{url: "http://127.0.0.1:${deadPort}"}]
        healthCheck: {path: /health, interval: 100ms, timeout: 1s}
    ha:
      failover:
        service: dead
        fallback: spare
    spare:
      loadBalancer:
        servers: [{url: ${url('spare')}}]
    fragile:
      loadBalancer:
        servers: [{url: ${url('fragile')}}]
        healthCheck: {path: /health, interval: 100ms, timeout: 1s}
    bad:
      loadBalancer:
        servers: [{url: ${url('a')}}]
        healthCheck: {path: /health, interval: 0s}
`;
}

/** GETs `path` from the web entry point with `Host: host`; resolves with the status. */
function send(host: string, path = '/'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: webPort, path, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function apiJson<T>(path: string): Promise<T> {
  const response = await fetch(`${api}/api/${path}`);
  assert.equal(response.status, 200, `GET /api/${path}`);
  return await response.json() as T;
}

async function show(route: string, testid: string): Promise<void> {
  await page.goto(`${api}/dashboard/#/${route}`);
  await page.locator(`[data-testid="${testid}"][aria-busy="false"]`).waitFor();
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(results, `dashboard-${name}.png`), fullPage: true });
}

/** A number from a `data-value` attribute. */
async function valueOf(selector: string): Promise<number> {
  return Number(await page.locator(selector).first().getAttribute('data-value'));
}

/** Waits until the element's `data-value` is above zero. */
async function waitForPositive(selector: string): Promise<void> {
  await page.waitForFunction((s) => Number(document.querySelector(s)?.getAttribute('data-value') ?? '0') > 0, selector);
}

describe('the dashboard in headless Chromium', { skip }, () => {
  before(async () => {
    mkdirSync(results, { recursive: true });
    const ok = (name: string) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' }).end(req.url === '/health' ? 'ok' : name);
    };
    for (const name of ['a', 'b', 'c', 'shadow', 'spare', 'fragile']) backends[name] = await startBackend(name, ok(name));
    ({ sy, dir } = await startWithDynamic(dynamicConfig(await closedPort()), ['web', 'traefik']));
    api = `http://127.0.0.1:${sy.ports.get('traefik')}`;
    webPort = sy.ports.get('web')!;
    // The dead server has been probed once: the pages start from a known health.
    await sy.waitFor((l: LogLine) => l.message === 'server health changed' && l['service'] === 'dead@file' && l['status'] === 'DOWN', 'dead DOWN');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    page.setDefaultTimeout(20_000);
    problems = recordProblems(page, api);
  });

  after(async () => {
    await browser?.close();
    await sy?.stop();
    await Promise.all(Object.values(backends).map((b) => b.close()));
  });

  test('the root of the API entry point redirects to the dashboard, whose overview shows the running instance', async () => {
    await page.goto(`${api}/`);
    assert.equal(new URL(page.url()).pathname, '/dashboard/');
    await page.locator('[data-testid="page-overview"][aria-busy="false"]').waitFor();
    const overview = await apiJson<{ http: { routers: { total: number; errors: number }; services: { total: number } } }>('overview');
    const routersTile = page.locator('[data-testid="count-http-routers"]');
    await assert.doesNotReject(routersTile.locator('.tile-value', { hasText: String(overview.http.routers.total) }).waitFor());
    assert.match(await routersTile.innerText(), new RegExp(`${overview.http.routers.errors} disabled`));
    for (const name of ['web', 'traefik']) await page.locator(`[data-testid="entrypoints"] tr[data-name="${name}"]`).waitFor();
    await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();
    await page.locator('[data-testid="troubled-services"] a', { hasText: 'dead@file' }).waitFor();
    assert.deepEqual(problems, { consoleErrors: [], pageErrors: [], failedRequests: [], foreignRequests: [] });
  });

  test('the routers page shows rule, priority, entry points, status and diagnostics, and sorts and filters', async () => {
    await show('routers', 'page-routers');
    const row = (name: string) => page.locator(`[data-testid="routers-table"] tr[data-name="${name}"]`);
    await row('app@file').waitFor();
    assert.equal(await row('app@file').locator('td[data-column="rule"]').innerText(), 'Host(`app.test`)');
    assert.equal(await row('shop@file').locator('td[data-column="priority"]').innerText(), '50');
    assert.equal(await row('app@file').locator('td[data-column="entryPoints"]').innerText(), 'web');
    assert.equal(await row('broken@file').locator('[data-testid="router-status"]').innerText(), 'DISABLED');
    assert.match(await row('broken@file').locator('td[data-column="diagnostics"]').innerText(), /nowhere@file" does not exist/);
    await row('failing@file').locator('[data-testid="router-service-health"][data-state="DOWN"]').waitFor();

    const routers = await apiJson<{ name: string }[]>('http/routers');
    await page.locator('th[data-column="name"] button').click();
    const names = await page.locator('[data-testid="routers-table"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
    assert.deepEqual(names, routers.map((r) => r.name).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));

    await page.locator('[data-testid="routers-filter"]').fill('shop');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="routers-table"] tbody tr').length === 1);
    assert.equal(await page.locator('[data-testid="routers-table"] tbody tr').getAttribute('data-name'), 'shop@file');
    await screenshot('routers');
  });

  test('the services page shows the tree with weights, mirrors, sticky cookies, failover state and DOWN in red', async () => {
    await show('services', 'page-services');
    const node = (name: string) => page.locator(`[data-service="${name}"]`).first();
    const health = (name: string) => node(name).locator('> .node-head [data-testid="service-health"]');
    await node('canary@file').waitFor();
    assert.equal(await health('canary@file').innerText(), 'UP');
    const child = (name: string) => node('canary@file').locator(`> .children > li[data-child="${name}"] > .child-head`);
    assert.equal(await child('stable@file').locator('[data-testid="child-weight"]').innerText(), '3');
    assert.equal(await child('stable@file').locator('[data-testid="share-configured"]').innerText(), '75%');
    assert.equal(await child('preview@file').locator('[data-testid="child-weight"]').innerText(), '1');
    assert.equal(await child('preview@file').locator('[data-testid="share-configured"]').innerText(), '25%');

    // Every server of `dead` is down: the service is DOWN in red, never a green "success".
    assert.equal(await health('dead@file').innerText(), 'DOWN');
    assert.match(await health('dead@file').getAttribute('class') ?? '', /tone-down/);
    assert.equal(await node('dead@file').locator('[data-testid="server-status"]').first().innerText(), 'DOWN');
    assert.doesNotMatch(await page.locator('[data-testid="service-tree"]').innerText(), /success/i);
    assert.equal(await health('ha@file').innerText(), 'FALLBACK');
    assert.match(await node('ha@file').locator('[data-testid="failover-state"]').innerText(), /fallback/);

    const mirror = node('mirrored@file').locator('li[data-child="shadow@file"] [data-testid="mirror-results"]');
    assert.match(await mirror.innerText(), /100% mirrored/);
    assert.match(await node('sticky@file').innerText(), /sticky cookie\s+shop/);
    assert.equal(await health('bad@file').innerText(), 'DISABLED');
    assert.match(await node('bad@file').innerText(), /interval: must be greater than 0/);
  });

  test('the middlewares page shows each middleware with its type, configuration and routers', async () => {
    await show('middlewares', 'page-middlewares');
    const row = page.locator('[data-testid="middlewares-table"] tr[data-name="tag@file"]');
    await row.waitFor();
    assert.equal(await row.locator('td[data-column="type"]').innerText(), 'headers');
    assert.match(await row.locator('td[data-column="config"]').innerText(), /X-Dashboard-Test/);
    assert.equal(await row.locator('td[data-column="usedBy"]').innerText(), 'app@file');
    await screenshot('middlewares');
  });

  test('the diagnostics page lists every disabled item with its file:line:column or resource', async () => {
    await show('diagnostics', 'page-diagnostics');
    const diagnostics = await apiJson<{ code: string; path: string; source?: { file: string; line: number; column: number } }[]>('diagnostics');
    const invalid = diagnostics.find((d) => d.path === 'http.services.bad.loadBalancer.healthCheck.interval');
    assert.ok(invalid?.source !== undefined, 'the API locates the invalid interval in the file');
    const where = `${invalid.source.file}:${invalid.source.line}:${invalid.source.column}`;
    const expectedLine = readFileSync(join(dir, 'dynamic.yml'), 'utf8').split('\n').findIndex((l) => l.includes('interval: 0s')) + 1;
    assert.equal(invalid.source.line, expectedLine);
    const flagged = (name: string) => page.locator(`[data-testid="flagged-items"] tr[data-name$="/${name}"]`);
    await flagged('bad@file').locator('[data-testid="diagnostic-where"]', { hasText: where }).waitFor();
    assert.match(await flagged('broken@file').innerText(), /DISABLED[\s\S]*does not exist[\s\S]*http\.routers\.broken\.service/);
    await page.locator('[data-testid="diagnostics-table"] td', { hasText: 'ROUTER_SERVICE_NOT_FOUND' }).waitFor();
    await screenshot('diagnostics');
  });

  test("the live view's numbers move while a bounded load runs", async () => {
    await show('live', 'page-live');
    await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();
    const canaryRate = '[data-testid="live-service-rate"][data-name="canary@file"]';
    assert.equal(await page.locator(canaryRate).count(), 0, 'canary@file has had no request yet');
    // 200 requests in four waves, each sent after the page received a new statistics event,
    // so that the charts get several points.
    const statuses: number[] = [];
    for (let wave = 0; wave < 4; wave++) {
      const at = await page.locator('[data-testid="live-indicator"]').getAttribute('data-at');
      for (let i = 0; i < 50; i++) {
        const host = ['app.test', 'app.test', 'shop.test', 'mirror.test'][i % 4]!;
        statuses.push(await send(host, host === 'shop.test' ? '/cart' : '/'));
      }
      await page.waitForFunction((previous) => {
        const now = document.querySelector('[data-testid="live-indicator"]')?.getAttribute('data-at');
        return now !== null && now !== undefined && now !== previous;
      }, at);
    }
    assert.deepEqual([...new Set(statuses)], [200]);
    await waitForPositive(canaryRate);
    await waitForPositive('[data-testid="live-entrypoint-rate"][data-name="web"]');
    await waitForPositive('[data-service="stable@file"] [data-testid="live-server-rate"]');
    assert.ok(await valueOf(canaryRate) > 0);
    await screenshot('live');

    await show('overview', 'page-overview');
    await waitForPositive('[data-testid="entrypoints"] tr[data-name="web"] [data-testid="entrypoint-rate"]');
    await page.locator('[data-testid="entrypoints"] tr[data-name="web"] .sparkline polyline').waitFor();
    await screenshot('overview');
    if (process.env['UPDATE_SCREENSHOTS'] === '1') {
      copyFileSync(join(results, 'dashboard-overview.png'), join(projectRoot, 'docs', 'images', 'dashboard-overview.png'));
    }

    // The weighted service's children now have an actual share of the traffic to compare.
    await show('services', 'page-services');
    const actual = page.locator('[data-service="canary@file"] > .children > li[data-child="preview@file"] > .child-head [data-testid="share-actual"]');
    await page.waitForFunction((el) => el !== null && /%$/.test(el.textContent ?? ''), await actual.elementHandle());
  });

  test('a server whose process stops shows DOWN after the health transition', async () => {
    await show('services', 'page-services');
    const server = page.locator(`[data-service="fragile@file"] tr[data-name="${backends['fragile']!.url}"] [data-testid="server-status"]`);
    await page.locator(`[data-service="fragile@file"] tr[data-name="${backends['fragile']!.url}"] [data-testid="server-status"][data-state="UP"]`).waitFor();
    await backends['fragile']!.close();
    await sy.waitFor((l: LogLine) => l.message === 'server health changed' && l['service'] === 'fragile@file' && l['status'] === 'DOWN', 'fragile DOWN');
    await page.locator(`[data-service="fragile@file"] tr[data-name="${backends['fragile']!.url}"] [data-testid="server-status"][data-state="DOWN"]`).waitFor();
    assert.equal(await server.innerText(), 'DOWN');
    assert.equal(await page.locator('[data-service="fragile@file"] > .node-head [data-testid="service-health"]').innerText(), 'DOWN');
    await screenshot('services');
  });

  test('the explain form gives the same router and server as the API', async () => {
    await show('explain', 'page-explain');
    const url = `http://shop.test:${webPort}/cart/checkout`;
    await page.locator('input[name="url"]').fill(url);
    await page.locator('select[name="entryPoint"]').selectOption('web');
    await page.locator('textarea[name="headers"]').fill('Accept: text/html');
    await page.locator('[data-testid="explain-form"] button[type="submit"]').click();
    await page.locator('[data-testid="explain-answer"]').waitFor();
    const answer = await apiJson<{ router: string | null; outcome: string; service: ExplainedService | null }>(
      `explain?url=${encodeURIComponent(url)}&entryPoint=web&header=${encodeURIComponent('Accept: text/html')}`);
    assert.equal(answer.router, 'shop@file');
    assert.equal(await page.locator('[data-testid="explain-router"]').innerText(), answer.router);
    assert.equal(await page.locator('[data-testid="explain-server"]').innerText(), chosenServer(answer.service) ?? 'none');
    assert.equal(await page.locator('[data-testid="explain-outcome"]').innerText(), answer.outcome);
    await screenshot('explain');
  });

  test('no page logged an error, failed a request or reached outside Switchyard', () => {
    assert.deepEqual(problems, { consoleErrors: [], pageErrors: [], failedRequests: [], foreignRequests: [] });
  });
});

interface ExplainedService {
  readonly server?: string;
  readonly child?: ExplainedService;
}

function chosenServer(service: ExplainedService | null | undefined): string | undefined {
  if (service === null || service === undefined) return undefined;
  return service.server ?? chosenServer(service.child);
}
