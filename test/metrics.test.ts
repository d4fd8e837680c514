/**
 * End to end through the real binary: after a known set of requests, `curl /metrics` on the
 * metrics entry point shows Traefik's metric names with exact values, the `switchyard_*`
 * metrics, the configured buckets, server health, and config reloads; `/metrics` is not on the
 * public entry point. Requests are known to be recorded once their access log line is out
 * (the access log and the metrics consume the same end-of-request event, the log first).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { closedPort, startBackend, type Backend } from './support/backends.ts';
import { curl } from './support/curl.ts';
import { send } from './support/http-client.ts';
import { listenOnLoopback, startSwitchyard, tempDir, type LogLine, type SwitchyardProcess } from './support/switchyard-process.ts';

let sy: SwitchyardProcess;
let dir: string;
let origin: Backend;
let wsServer: Server;
let wss: WebSocketServer;
let refusedPort: number;
let downPort: number;
let wsPort: number;

const dynamic = (withHealthRouter: boolean): string => `
http:
  routers:
    a:
      rule: "PathPrefix(\`/a\`)"
      service: s
    refused:
      rule: "PathPrefix(\`/refused\`)"
      service: refused
    ws:
      rule: "PathPrefix(\`/ws\`)"
      service: wsback
${withHealthRouter ? `    h:
      rule: "PathPrefix(\`/h\`)"
      service: checked
` : ''}    aff:
      rule: "PathPrefix(\`/aff\`)"
      service: aff
    m:
      rule: "PathPrefix(\`/mirror\`)"
      service: mirrored
  services:
    s:
      loadBalancer:
        servers:
          - url: "${origin.url}"
          - url: "http://localhost:${origin.port}"
            weight: 0
    refused:
      loadBalancer:
        servers: [{url: "http://127.0.0.1:${refusedPort}"}]
    wsback:
      loadBalancer:
        servers: [{url: "http://127.0.0.1:${wsPort}"}]
    checked:
      loadBalancer:
        healthCheck: {path: /health, interval: 1h, timeout: 5s, probeAtStart: true}
        servers:
          - url: "${origin.url}"
          - url: "http://127.0.0.1:${downPort}"
    aff:
      loadBalancer:
        sticky: {clientIP: {}}
        servers: [{url: "${origin.url}"}]
    mirrored:
      mirroring:
        service: aff
        mirrors: [{name: s, percent: 100, compare: true}]
`;

const staticYaml = (dynamicFile: string): string => `entryPoints:
  web:
    address: "127.0.0.1:0"
  metrics:
    address: "127.0.0.1:0"
providers:
  providersThrottleDuration: 0s
  file:
    filename: ${JSON.stringify(dynamicFile)}
    watch: true
metrics:
  prometheus:
    entryPoint: metrics
    addRoutersLabels: true
    buckets: [0.25, 60]
accessLog:
  format: json
log:
  level: INFO
  format: json
`;

/** Resolves once `n` access log lines (requests fully recorded) have been written in total. */
function recorded(n: number): Promise<LogLine> {
  let seen = 0;
  return sy.waitFor((l) => 'DownstreamStatus' in l && ++seen >= n, `${n} access log lines`);
}

async function scrape(): Promise<string> {
  const answer = await curl(sy.ports.get('metrics'), '/metrics', '--compressed');
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  return answer.body;
}

/** The value of one sample, by its exact name and labels as written; undefined when absent. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics on their own entry point, with router labels and custom buckets', () => {
  before(async () => {
    origin = await startBackend('origin', (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(req.url === '/health' ? 'ok' : 'hello');
    });
    refusedPort = await closedPort();
    downPort = await closedPort();
    wsServer = createServer();
    wss = new WebSocketServer({ server: wsServer });
    wss.on('connection', (socket) => socket.on('message', (d) => socket.send(`echo:${d.toString()}`)));
    wsPort = await listenOnLoopback(wsServer);
    dir = tempDir();
    writeFileSync(join(dir, 'dynamic.yml'), dynamic(true));
    writeFileSync(join(dir, 'static.yml'), staticYaml(join(dir, 'dynamic.yml')));
    sy = await startSwitchyard([`--configFile=${join(dir, 'static.yml')}`], ['web', 'metrics']);
    await sy.waitFor((l) => l.message === 'server health changed' && l['url'] === `http://127.0.0.1:${downPort}` && l['status'] === 'DOWN',
      'the health-checked server going down');
  });

  after(async () => {
    await sy?.stop();
    await origin?.close();
    wss?.close();
    wsServer?.closeAllConnections();
    wsServer?.close();
  });

  it('after a known set of requests /metrics shows Traefik\'s metrics with exact values', async () => {
    const web = sy.ports.get('web');
    for (let i = 0; i < 7; i++) assert.equal((await send(web, { path: '/a' })).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await send(web, { path: '/refused' })).status, 502);
    for (let i = 0; i < 2; i++) assert.equal((await send(web, { path: '/h' })).status, 200);
    assert.equal((await send(web, { path: '/aff' })).status, 200);
    const ws = new WebSocket(`ws://127.0.0.1:${web}/ws`);
    await once(ws, 'open');
    const reply = once(ws, 'message');
    ws.send('x');
    assert.equal(String((await reply)[0]), 'echo:x');
    // While the WebSocket is open its connection counts on `web`.
    const during = await scrape();
    assert.ok((value(during, 'traefik_open_connections{entrypoint="web",protocol="TCP"}') ?? 0) >= 1, 'the open WebSocket connection');
    ws.close();
    await once(ws, 'close');
    await recorded(14);

    const text = await scrape();
    const ep = (code: string, protocol = 'http') => `{code="${code}",entrypoint="web",method="GET",protocol="${protocol}"}`;
    assert.equal(value(text, `traefik_entrypoint_requests_total${ep('200')}`), 10);
    assert.equal(value(text, `traefik_entrypoint_requests_total${ep('502')}`), 3);
    assert.equal(value(text, `traefik_entrypoint_requests_total${ep('101', 'websocket')}`), 1);
    assert.equal(value(text, `traefik_entrypoint_request_duration_seconds_count${ep('200')}`), 10);
    assert.equal(value(text, `traefik_entrypoint_responses_bytes_total${ep('200')}`), 10 * 'hello'.length);
    assert.equal(value(text, 'traefik_router_requests_total{code="200",method="GET",protocol="http",router="a@file",service="s@file"}'), 7);
    assert.equal(value(text, 'traefik_router_requests_total{code="502",method="GET",protocol="http",router="refused@file",service="refused@file"}'), 3);
    assert.equal(value(text, 'traefik_service_requests_total{code="200",method="GET",protocol="http",service="s@file"}'), 7);
    assert.equal(value(text, 'traefik_service_requests_total{code="502",method="GET",protocol="http",service="refused@file"}'), 3);
    assert.equal(value(text, 'traefik_service_requests_total{code="200",method="GET",protocol="http",service="checked@file"}'), 2);
    assert.equal(value(text, 'traefik_service_requests_total{code="101",method="GET",protocol="websocket",service="wsback@file"}'), 1);
    // The buckets option: 0.25 and 60 seconds, then +Inf.
    const les = text.split('\n').filter((l) => l.startsWith(`traefik_service_request_duration_seconds_bucket{code="502"`)).map((l) => /le="([^"]+)"/.exec(l)![1]);
    assert.deepEqual(les, ['0.25', '60', '+Inf']);
    assert.equal(value(text, 'traefik_service_request_duration_seconds_bucket{code="502",method="GET",protocol="http",service="refused@file",le="60"}'), 3);
    // Server health, read when scraped: the refused server has no health check, so it stays up.
    assert.equal(value(text, `traefik_service_server_up{service="checked@file",url="${origin.url}"}`), 1);
    assert.equal(value(text, `traefik_service_server_up{service="checked@file",url="http://127.0.0.1:${downPort}"}`), 0);
    assert.equal(value(text, `traefik_service_server_up{service="refused@file",url="http://127.0.0.1:${refusedPort}"}`), 1);
    // Switchyard's own: a weight-0 server is draining (and up); client-IP affinity entries.
    assert.equal(value(text, `switchyard_service_server_draining{service="s@file",url="http://localhost:${origin.port}"}`), 1);
    assert.equal(value(text, `traefik_service_server_up{service="s@file",url="http://localhost:${origin.port}"}`), 1);
    assert.equal(value(text, `switchyard_service_server_draining{service="s@file",url="${origin.url}"}`), 0);
    assert.equal(value(text, 'switchyard_service_affinity_entries{service="aff@file"}'), 1);
    assert.equal(value(text, 'traefik_config_reloads_total'), sy.applied());
    assert.ok((value(text, 'traefik_config_last_reload_success') ?? 0) > 1.7e9);
    // Scrapes go through prometheus@internal, which is not metered without addInternals.
    assert.doesNotMatch(text, /entrypoint="metrics"[^\n]*protocol="http"/);
    assert.doesNotMatch(text, /prometheus@internal/);
  });

  it('a mirror with compare shows its requests and comparisons', async () => {
    const mark = sy.lines.filter((l) => 'DownstreamStatus' in l).length;
    assert.equal((await send(sy.ports.get('web'), { path: '/mirror' })).status, 200);
    await recorded(mark + 1);
    // The mirror ends on its own after the primary response: scrape until it has (bounded).
    let text = '';
    for (let i = 0; i < 50; i++) {
      text = await scrape();
      if (value(text, 'switchyard_service_mirror_compare_total{mirror="s",service="mirrored@file"}') === 1) break;
    }
    assert.equal(value(text, 'switchyard_service_mirror_requests_total{mirror="s",result="completed",service="mirrored@file"}'), 1);
    assert.equal(value(text, 'switchyard_service_mirror_compare_total{mirror="s",service="mirrored@file"}'), 1);
    assert.equal(value(text, 'switchyard_service_mirror_mismatches_total{kind="status",mirror="s",service="mirrored@file"}'), 0);
    assert.equal(value(text, 'switchyard_service_mirror_mismatches_total{kind="body",mirror="s",service="mirrored@file"}'), 0);
  });

  it('/metrics is served on the metrics entry point only, not on the public one', async () => {
    const answer = await send(sy.ports.get('web'), { path: '/metrics' });
    assert.equal(answer.status, 404);
    assert.doesNotMatch(answer.text(), /traefik_/);
  });

  it('a reload is counted, and a removed router\'s series are scraped once more, then dropped', async () => {
    const before = value(await scrape(), 'traefik_config_reloads_total')!;
    const applied = sy.applied();
    writeFileSync(join(dir, 'dynamic.yml'), dynamic(false));
    await sy.waitFor(() => sy.applied() > applied, 'the reload');
    const last = await scrape();
    assert.equal(value(last, 'traefik_config_reloads_total'), before + 1);
    assert.equal(value(last, 'traefik_router_requests_total{code="200",method="GET",protocol="http",router="h@file",service="checked@file"}'), 2);
    const next = await scrape();
    assert.doesNotMatch(next, /router="h@file"/);
    assert.match(next, /router="a@file"/);
  });
});

describe('manualRouting with addInternals: a router of yours serves /metrics behind basicAuth', () => {
  let manual: SwitchyardProcess;

  before(async () => {
    const d = tempDir();
    writeFileSync(join(d, 'dynamic.yml'), `
http:
  routers:
    scrape:
      rule: "PathPrefix(\`/internal/metrics\`)"
      service: prometheus@internal
      middlewares: [auth]
  middlewares:
    auth:
      basicAuth:
        users: ["test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"]
`);
    writeFileSync(join(d, 'static.yml'), `entryPoints:
  web:
    address: "127.0.0.1:0"
  traefik:
    address: "127.0.0.1:0"
providers:
  providersThrottleDuration: 0s
  file:
    filename: ${JSON.stringify(join(d, 'dynamic.yml'))}
metrics:
  addInternals: true
  prometheus:
    manualRouting: true
    addRoutersLabels: true
log:
  level: INFO
  format: json
`);
    manual = await startSwitchyard([`--configFile=${join(d, 'static.yml')}`], ['web', 'traefik']);
  });

  after(async () => {
    await manual?.stop();
  });

  it('answers only through the router, after its middlewares, and meters the scrapes themselves', async () => {
    const web = manual.ports.get('web');
    assert.equal((await send(manual.ports.get('traefik'), { path: '/metrics' })).status, 404);
    assert.equal((await send(web, { path: '/internal/metrics' })).status, 401);
    const authorization = `Basic ${Buffer.from('test:test').toString('base64')}`;
    const router = (code: number) => `traefik_router_requests_total{code="${code}",method="GET",protocol="http",router="scrape@file",service="prometheus@internal"}`;
    // A scrape is recorded when it has ended, so it shows in a later one: scrape until it does (bounded).
    let text = '';
    for (let i = 0; i < 20 && value(text, router(200)) === undefined; i++) {
      const answer = await curl(web, '/internal/metrics', '-H', `Authorization: ${authorization}`);
      assert.equal(answer.status, 200);
      text = answer.body;
    }
    assert.ok((value(text, router(200)) ?? 0) >= 1, text);
    assert.equal(value(text, router(401)), 1);
  });
});
