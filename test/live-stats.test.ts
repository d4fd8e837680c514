/**
 * End to end: the live statistics of `GET /api/stats` and `/api/stats/stream` after a known
 * traffic, with Switchyard in this process on a manual clock (so every request falls in the
 * same window and the stream's timer moves only when the test moves it) and real backends.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import type { ItemLiveStats, LiveStatsDocument, ServiceLiveStats } from '../src/config/live-stats-view.ts';
import { createManualClock } from '../src/lib/manual-clock.ts';
import { startBackend, type Backend } from './support/backends.ts';
import { send } from './support/http-client.ts';
import { startInProcess, type InProcessSwitchyard } from './support/in-process.ts';

const clock = createManualClock(1_000_000);
let sy: InProcessSwitchyard;
const backends: Backend[] = [];
let v1: Backend;
let v2: Backend;
let broken: Backend;
let slow: Backend;
let echo: Backend;
/** Called when the slow backend got its request; releasing it answers. */
let slowArrived: () => void = () => {};
let releaseSlow: () => void = () => {};

function answer(name: string, status = 200): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(name);
  };
}

before(async () => {
  v1 = await startBackend('v1', answer('v1'));
  v2 = await startBackend('v2', answer('v2'));
  broken = await startBackend('broken', answer('broken', 500));
  slow = await startBackend('slow', (_req, res) => {
    releaseSlow = () => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('slow');
    };
    slowArrived();
  });
  echo = await startBackend('echo', answer('echo'));
  new WebSocketServer({ server: echo.server }).on('connection', (socket) => socket.on('message', (d) => socket.send(d.toString())));
  backends.push(v1, v2, broken, slow, echo);
  sy = await startInProcess(`
http:
  routers:
    canary:
      rule: PathPrefix(\`/canary\`)
      entryPoints: [web]
      service: canary
    flaky:
      rule: PathPrefix(\`/flaky\`)
      entryPoints: [web]
      service: flaky
    slow:
      rule: PathPrefix(\`/slow\`)
      entryPoints: [web]
      service: slow
    sticky:
      rule: PathPrefix(\`/sticky\`)
      entryPoints: [web]
      service: sticky
    chat:
      rule: PathPrefix(\`/chat\`)
      entryPoints: [web]
      service: chat
    mirrored:
      rule: PathPrefix(\`/mirrored\`)
      entryPoints: [web]
      service: mirrored
  services:
    mirrored:
      mirroring:
        service: v2
        mirrors: [{name: shadow, percent: 50}]
    shadow:
      loadBalancer:
        servers: [{url: "${echo.url}"}]
    canary:
      weighted:
        services: [{name: v1, weight: 3}, {name: v2, weight: 1}]
    v1:
      loadBalancer:
        servers: [{url: "${v1.url}"}]
    v2:
      loadBalancer:
        servers: [{url: "${v2.url}"}]
    flaky:
      loadBalancer:
        servers: [{url: "${v1.url}"}, {url: "${broken.url}"}]
    slow:
      loadBalancer:
        servers: [{url: "${slow.url}"}]
    sticky:
      loadBalancer:
        sticky:
          cookie:
            name: pinned
        servers: [{url: "${v1.url}"}, {url: "${v2.url}"}]
    chat:
      loadBalancer:
        servers: [{url: "${echo.url}"}]
`, clock, {
    staticText: (dynamicFile) => `entryPoints:
  web:
    address: "127.0.0.1:0"
    transport:
      lifeCycle:
        graceTimeOut: 0s
  traefik:
    address: "127.0.0.1:0"
    transport:
      lifeCycle:
        graceTimeOut: 0s
api:
  insecure: true
providers:
  providersThrottleDuration: 0s
  file:
    filename: ${JSON.stringify(dynamicFile)}
    watch: false
log:
  level: INFO
  format: json
`,
  });
});

after(async () => {
  await sy?.stop();
  for (const b of backends) await b.close();
});

function web(path: string, headers: Record<string, string> = {}) {
  return send(sy.ports.get('web'), { path, headers });
}

async function stats(): Promise<LiveStatsDocument> {
  const answer = await send(sy.ports.get('traefik'), { path: '/api/stats' });
  assert.equal(answer.status, 200);
  return JSON.parse(answer.text()) as LiveStatsDocument;
}

/**
 * The statistics once `ready` holds: a response reaches the client a moment before the entry
 * point sees its connection's end, so the last request may still be finishing. Bounded.
 */
async function statsWhen(ready: (doc: LiveStatsDocument) => boolean, what: string): Promise<LiveStatsDocument> {
  let doc = await stats();
  for (let i = 0; i < 200 && !ready(doc); i++) doc = await stats();
  assert.ok(ready(doc), `${what}: ${JSON.stringify(doc, null, 1)}`);
  return doc;
}

function service(doc: LiveStatsDocument, name: string): ServiceLiveStats {
  const s = doc.services[`${name}@file`];
  assert.ok(s !== undefined, `service ${name}@file is listed`);
  return s;
}

function server(doc: LiveStatsDocument, name: string, url: string): ItemLiveStats {
  const s = service(doc, name).servers?.[url];
  assert.ok(s !== undefined, `server ${url} of ${name}@file is listed`);
  return s;
}

/** Every item a request to `router` passes: entry point, router, services (outermost first), server. */
function path(doc: LiveStatsDocument, router: string, services: readonly string[], url: string): ItemLiveStats[] {
  return [doc.entryPoints['web']!, doc.routers[`${router}@file`]!, ...services.map((s) => service(doc, s)), server(doc, services.at(-1)!, url)];
}

describe('live statistics end to end', () => {
  it('lists every item with no traffic before the first request, the API\'s own requests not counted', async () => {
    const doc = await stats();
    assert.equal(doc.windowSeconds, 10);
    assert.ok(!Number.isNaN(Date.parse(doc.at)));
    assert.deepEqual(Object.keys(doc.entryPoints).sort(), ['traefik', 'web']);
    assert.deepEqual(Object.keys(doc.routers).sort(), ['canary@file', 'chat@file', 'flaky@file', 'mirrored@file', 'slow@file', 'sticky@file']);
    assert.deepEqual(Object.keys(doc.services).sort(),
      ['canary@file', 'chat@file', 'flaky@file', 'mirrored@file', 'shadow@file', 'slow@file', 'sticky@file', 'v1@file', 'v2@file']);
    assert.equal(doc.entryPoints['traefik']!.requests, 0, 'requests to api@internal are not counted');
    assert.equal(doc.routers['canary@file']!.latencyMs, null);
  });

  it('counts 40 requests through a 3:1 weighted service on every item, the children splitting them 30/10', async () => {
    for (let i = 0; i < 40; i++) assert.equal((await web('/canary')).status, 200);
    const doc = await statsWhen((d) => d.entryPoints['web']!.requests === 40, 'the 40 requests finished');
    assert.equal(doc.routers['canary@file']!.requests, 40);
    assert.equal(service(doc, 'canary').requests, 40);
    assert.equal(service(doc, 'v1').requests, 30);
    assert.equal(service(doc, 'v2').requests, 10);
    assert.deepEqual(service(doc, 'canary').children, { 'v1@file': 30, 'v2@file': 10 }, 'what the parent handed each child');
    assert.equal(server(doc, 'v1', v1.url).requests, 30);
    assert.equal(server(doc, 'v2', v2.url).requests, 10);
    const router = doc.routers['canary@file']!;
    assert.deepEqual(router.window, { '1xx': 0, '2xx': 40, '3xx': 0, '4xx': 0, '5xx': 0 });
    assert.equal(router.rate, 4, 'the manual clock never moved: all 40 are in the 10 s window');
    assert.equal(router.inFlight, 0);
    assert.equal(router.bytesOut, 40 * 2, 'each answer is two bytes');
    assert.ok(router.lastRequestAt !== undefined);
    for (const item of [router, service(doc, 'v1'), server(doc, 'v1', v1.url)]) {
      const latency = item.latencyMs;
      assert.ok(latency !== null, 'latency percentiles are present');
      assert.ok(latency.p50 > 0 && latency.p50 <= latency.p95 && latency.p95 <= latency.p99, JSON.stringify(latency));
    }
  });

  it('counts a failing server\'s 5xx in its error ratio and in its service\'s', async () => {
    for (let i = 0; i < 10; i++) await web('/flaky');
    const doc = await statsWhen((d) => d.routers['flaky@file']!.requests === 10, 'the 10 requests finished');
    const flaky = service(doc, 'flaky');
    assert.deepEqual(flaky.window, { '1xx': 0, '2xx': 5, '3xx': 0, '4xx': 0, '5xx': 5 });
    assert.deepEqual(flaky.errorRatio, { '4xx': 0, '5xx': 0.5 });
    assert.deepEqual(server(doc, 'flaky', broken.url).errorRatio, { '4xx': 0, '5xx': 1 });
    assert.deepEqual(server(doc, 'flaky', v1.url).errorRatio, { '4xx': 0, '5xx': 0 });
    assert.equal(server(doc, 'flaky', broken.url).requests, 5);
  });

  it('shows a request in flight on its whole path while the server holds the response open', async () => {
    const arrived = new Promise<void>((resolve) => {
      slowArrived = resolve;
    });
    const pending = web('/slow');
    await arrived;
    let doc = await stats();
    for (const item of path(doc, 'slow', ['slow'], slow.url)) assert.equal(item.inFlight, 1);
    releaseSlow();
    assert.equal((await pending).text(), 'slow');
    doc = await statsWhen((d) => d.routers['slow@file']!.requests === 1, 'the slow request finished');
    for (const item of path(doc, 'slow', ['slow'], slow.url)) assert.equal(item.inFlight, 0);
  });

  it('counts one sticky session per new client, none for a client that sends its cookie back', async () => {
    const first = await web('/sticky');
    const cookie = String(first.headers['set-cookie']?.[0]).split(';')[0]!;
    assert.match(cookie, /^pinned=/);
    const returning = await web('/sticky', { cookie });
    assert.equal(returning.headers['set-cookie'], undefined);
    await web('/sticky');
    const doc = await statsWhen((d) => d.routers['sticky@file']!.requests === 3, 'the sticky requests finished');
    const sticky = service(doc, 'sticky');
    assert.equal(sticky.stickyStarted, 2);
    const perServer = Object.values(sticky.servers!).map((s) => s.stickyStarted ?? 0);
    assert.equal(perServer.reduce((a, b) => a + b, 0), 2);
    assert.equal(service(doc, 'canary').stickyStarted, undefined, 'only loadBalancers start sticky sessions');
  });

  it('counts a WebSocket while it is open, then as a finished request once closed', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${sy.ports.get('web')}/chat`);
    await once(ws, 'open');
    let doc = await stats();
    for (const item of path(doc, 'chat', ['chat'], echo.url)) {
      assert.deepEqual([item.websockets, item.inFlight], [1, 0]);
    }
    ws.close();
    await once(ws, 'close');
    doc = await statsWhen((d) => d.routers['chat@file']!.websockets === 0, 'the WebSocket closed');
    for (const item of path(doc, 'chat', ['chat'], echo.url)) {
      assert.equal(item.websockets, 0);
      assert.equal(item.window['1xx'] >= 1, true);
    }
    assert.equal(doc.routers['chat@file']!.requests, 1);
    assert.equal(doc.routers['chat@file']!.latencyMs, null, 'a connection\'s lifetime is no latency');
  });

  it('totals every request on the entry point, a 404 included', async () => {
    assert.equal((await web('/nowhere')).status, 404);
    // 40 canary + 10 flaky + 1 slow + 3 sticky + 1 WebSocket + 1 unrouted.
    const doc = await statsWhen((d) => d.entryPoints['web']!.requests === 56, 'every request finished');
    const ep = doc.entryPoints['web']!;
    assert.deepEqual(ep.window, { '1xx': 1, '2xx': 49, '3xx': 0, '4xx': 1, '5xx': 5 });
    assert.equal(ep.inFlight, 0);
    assert.equal(ep.websockets, 0);
  });

  it('streams the statistics as server-sent events: one at once, the next when the clock moves a second', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      request({ host: '127.0.0.1', port: sy.ports.get('traefik'), path: '/api/stats/stream', agent: false }, resolve)
        .on('error', reject).end();
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/event-stream');
    res.setEncoding('utf8');
    let buffer = '';
    const events: LiveStatsDocument[] = [];
    let waiter: (() => void) | null = null;
    res.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const match = /^event: stats\ndata: (.*)$/.exec(event);
        assert.ok(match !== null, `an SSE event: ${event}`);
        events.push(JSON.parse(match[1]!) as LiveStatsDocument);
      }
      waiter?.();
    });
    const eventCount = async (n: number): Promise<void> => {
      while (events.length < n) await new Promise<void>((resolve) => (waiter = resolve));
    };
    await eventCount(1);
    assert.equal(events[0]!.entryPoints['web']!.requests, 56);
    clock.advance(1_000);
    await eventCount(2);
    assert.equal(Date.parse(events[1]!.at) - Date.parse(events[0]!.at), 1_000);
    assert.equal(events.length, 2, 'nothing more until the clock moves again');
    res.destroy();
  });

  it('counts a mirror\'s copies on the mirror service and its server, and ends each of them', async () => {
    for (let i = 0; i < 10; i++) assert.equal((await web('/mirrored')).status, 200);
    const doc = await statsWhen((d) => d.services['shadow@file']?.requests === 5 && d.services['shadow@file'].inFlight === 0,
      'the five mirrored copies finished');
    assert.equal(service(doc, 'mirrored').requests, 10);
    assert.equal(server(doc, 'shadow', echo.url).requests, 5);
    assert.deepEqual(service(doc, 'mirrored').children, { 'shadow@file': 5 }, 'copies handed to the mirror');
    assert.equal(doc.routers['mirrored@file']!.requests, 10, 'copies never count on the router');
  });
});
