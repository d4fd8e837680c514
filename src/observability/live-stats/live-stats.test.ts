import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import type { ItemLiveStats } from '../../config/live-stats-view.ts';
import { newExchangeLog, writeHeadThroughHooks, type Exchange } from '../../lib/exchange.ts';
import { createManualClock, type ManualClock } from '../../lib/manual-clock.ts';
import { LATENCY_ERROR_FACTOR } from './latency-histogram.ts';
import { createLiveStats, type LiveStats } from './live-stats.ts';

const WALL_START = Date.parse('2030-05-01T12:00:00.000Z');

interface FakeRequest {
  readonly entryPoint?: string;
  readonly upgrade?: boolean;
  /** A request body of this many bytes, as the entry point counted them while they arrived. */
  readonly contentLength?: number;
}

/** An exchange as the entry point makes it, with a sink that only remembers the status. */
function fakeExchange(request: FakeRequest = {}): Exchange {
  const headers = ['Host', 'app.example'];
  if (request.contentLength !== undefined) headers.push('Content-Length', String(request.contentLength));
  return {
    request: {
      method: 'GET', path: '/', query: '', headers, httpVersion: '1.1', host: 'app.example', remoteAddress: '127.0.0.1',
      remotePort: 40000, clientIp: '127.0.0.1', localPort: 80, tls: undefined, entryPoint: request.entryPoint ?? 'web',
    },
    body: request.contentLength === undefined ? null : Readable.from([]),
    response: { headSent: false, writeHead() {}, write: () => true, onDrain() {}, end() {}, destroy() {}, flush() {} },
    upgrade: request.upgrade === true ? { socket: new PassThrough(), head: Buffer.alloc(0) } : null,
    signal: new AbortController().signal,
    clientGone: false,
    onClientGone() {},
    responseHeadHooks: [],
    log: { ...newExchangeLog(0n, '/', ''), requestContentSize: request.contentLength ?? 0 },
  };
}

/** A configuration of one router → weighted parent → loadBalancer child with two servers. */
function setup(): { clock: ManualClock; stats: LiveStats } {
  const clock = createManualClock(5_000);
  const stats = createLiveStats({ clock, wallClock: () => WALL_START });
  stats.entryPoint('web');
  stats.router('app@file');
  stats.service('canary@file');
  stats.server('v1@file', 'http://10.0.0.1');
  stats.server('v1@file', 'http://10.0.0.2');
  return { clock, stats };
}

interface Served {
  readonly status?: number;
  readonly ms?: number;
  readonly server?: string;
  readonly bytesOut?: number;
  readonly router?: string;
}

/** Walks an exchange through what the router, the services and the loadBalancer record. */
function start(stats: LiveStats, exchange: Exchange, served: Served = {}): () => void {
  const router = served.router ?? 'app@file';
  const server = served.server ?? 'http://10.0.0.1';
  exchange.log.routerName = router;
  if (router !== '') stats.routerStarted(exchange, stats.router(router));
  for (const name of ['canary@file', 'v1@file']) {
    exchange.log.services.push(name);
    stats.serviceEntered(exchange, stats.service(name));
  }
  const cell = stats.server('v1@file', server);
  stats.serverPicked(cell);
  exchange.log.serviceName = 'v1@file';
  exchange.log.serviceUrl = server;
  return () => {
    const status = served.status ?? 200;
    stats.serverHeaders(cell, served.ms ?? 2);
    stats.serverResult(cell, status);
    exchange.log.downstreamStatus = status;
    exchange.log.downstreamContentSize = served.bytesOut ?? 0;
    exchange.log.originContentSize = served.bytesOut ?? 0;
    stats.requestDone(exchange, BigInt(Math.round((served.ms ?? 2) * 1e6)));
  };
}

function serve(stats: LiveStats, served: Served = {}, request: FakeRequest = {}): void {
  start(stats, fakeExchange(request), served)();
}

function item(stats: LiveStats, kind: 'entryPoints' | 'routers' | 'services', name: string): ItemLiveStats {
  const found = stats.snapshot()[kind][name];
  assert.ok(found !== undefined, `${kind} ${name} is listed`);
  return found;
}

function server(stats: LiveStats, url: string): ItemLiveStats {
  const found = stats.snapshot().services['v1@file']?.servers?.[url];
  assert.ok(found !== undefined, `server ${url} is listed`);
  return found;
}

describe('live statistics', () => {
  it('counts a request in flight on every item of its path, then as finished on each', () => {
    const { stats } = setup();
    const finish = start(stats, fakeExchange());
    for (const s of [item(stats, 'entryPoints', 'web'), item(stats, 'routers', 'app@file'), item(stats, 'services', 'canary@file'),
      item(stats, 'services', 'v1@file'), server(stats, 'http://10.0.0.1')]) {
      assert.equal(s.inFlight, 1);
      assert.equal(s.requests, 0);
    }
    finish();
    for (const s of [item(stats, 'entryPoints', 'web'), item(stats, 'routers', 'app@file'), item(stats, 'services', 'canary@file'),
      item(stats, 'services', 'v1@file'), server(stats, 'http://10.0.0.1')]) {
      assert.equal(s.inFlight, 0);
      assert.equal(s.requests, 1);
      assert.deepEqual(s.window, { '1xx': 0, '2xx': 1, '3xx': 0, '4xx': 0, '5xx': 0 });
    }
    assert.equal(server(stats, 'http://10.0.0.2').requests, 0);
  });

  it('shows the contract shape, stickyStarted only on loadBalancer services and their servers', () => {
    const { stats } = setup();
    const doc = stats.snapshot();
    assert.equal(doc.windowSeconds, 10);
    assert.equal(doc.at, '2030-05-01T12:00:00.000Z');
    assert.deepEqual(Object.keys(doc.services), ['canary@file', 'v1@file']);
    assert.equal(doc.services['canary@file']!.servers, undefined);
    assert.equal(doc.services['canary@file']!.stickyStarted, undefined);
    assert.equal(doc.services['v1@file']!.stickyStarted, 0);
    assert.deepEqual(doc.entryPoints['web'], {
      requests: 0, rate: 0, inFlight: 0, window: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
      errorRatio: { '4xx': 0, '5xx': 0 }, latencyMs: null, bytesIn: 0, bytesOut: 0, websockets: 0,
    });
  });

  it('rolls the window over one-second slots while the totals keep counting', () => {
    const { clock, stats } = setup();
    for (let i = 0; i < 4; i++) serve(stats);
    clock.advance(5_000);
    for (let i = 0; i < 6; i++) serve(stats);
    let router = item(stats, 'routers', 'app@file');
    assert.equal(router.window['2xx'], 10);
    assert.equal(router.rate, 1);
    clock.advance(5_000); // the first four are now 10 s old: out of the window
    router = item(stats, 'routers', 'app@file');
    assert.equal(router.requests, 10);
    assert.equal(router.window['2xx'], 6);
    assert.equal(router.rate, 0.6);
    clock.advance(5_000);
    router = item(stats, 'routers', 'app@file');
    assert.equal(router.window['2xx'], 0);
    assert.equal(router.latencyMs, null);
    assert.equal(router.requests, 10);
    // A slot reused ten seconds later starts from zero.
    serve(stats, { status: 500 });
    router = item(stats, 'routers', 'app@file');
    assert.deepEqual(router.window, { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 1 });
  });

  it('gives each status class its share of the window', () => {
    const { stats } = setup();
    for (const status of [200, 200, 301, 404, 502, 503]) serve(stats, { status });
    const router = item(stats, 'routers', 'app@file');
    assert.deepEqual(router.window, { '1xx': 0, '2xx': 2, '3xx': 1, '4xx': 1, '5xx': 2 });
    assert.deepEqual(router.errorRatio, { '4xx': 0.1667, '5xx': 0.3333 });
    assert.equal(router.rate, 0.6);
  });

  it('reads latency percentiles within the histogram\'s factor', () => {
    const { stats } = setup();
    for (let i = 1; i <= 100; i++) serve(stats, { ms: i });
    const latency = item(stats, 'services', 'v1@file').latencyMs;
    assert.ok(latency !== null);
    for (const [read, exact] of [[latency.p50, 50], [latency.p95, 95], [latency.p99, 99]] as const) {
      assert.ok(read >= exact / LATENCY_ERROR_FACTOR && read <= exact * LATENCY_ERROR_FACTOR, `${read} for ${exact}`);
    }
    // The servers' latency is their time to the response head, recorded per attempt.
    assert.ok(server(stats, 'http://10.0.0.1').latencyMs !== null);
  });

  it('counts a request no router took on its entry point only', () => {
    const { stats } = setup();
    const exchange = fakeExchange();
    exchange.log.downstreamStatus = 404;
    stats.requestDone(exchange, 1_000_000n);
    const ep = item(stats, 'entryPoints', 'web');
    assert.equal(ep.requests, 1);
    assert.equal(ep.inFlight, 0);
    assert.equal(ep.window['4xx'], 1);
    assert.equal(item(stats, 'routers', 'app@file').requests, 0);
  });

  it('leaves out requests Switchyard\'s own routers took (API, dashboard)', () => {
    const { stats } = setup();
    const exchange = fakeExchange({ entryPoint: 'traefik' });
    exchange.log.routerName = 'api@internal';
    exchange.log.downstreamStatus = 200;
    stats.requestDone(exchange, 1_000_000n);
    assert.equal(stats.snapshot().entryPoints['traefik'], undefined);
    assert.equal(stats.snapshot().routers['api@internal'], undefined);
  });

  it('counts a service entered again by a retry once, and ends both entries', () => {
    const { stats } = setup();
    const exchange = fakeExchange();
    const finish = start(stats, exchange);
    exchange.log.services.push('v1@file');
    stats.serviceEntered(exchange, stats.service('v1@file'));
    assert.equal(item(stats, 'services', 'v1@file').inFlight, 2);
    finish();
    const v1 = item(stats, 'services', 'v1@file');
    assert.equal(v1.inFlight, 0);
    assert.equal(v1.requests, 1);
  });

  it('counts a mirror\'s copy on the services it entered and their server, never on the entry point or router', () => {
    const { stats } = setup();
    const copy = fakeExchange();
    // A copy carries its request's router name in its own log; only the mirroring service ends it.
    copy.log.routerName = 'app@file';
    copy.log.services.push('v1@file');
    stats.serviceEntered(copy, stats.service('v1@file'));
    assert.equal(item(stats, 'services', 'v1@file').inFlight, 1);
    const cell = stats.server('v1@file', 'http://10.0.0.2');
    stats.serverPicked(cell);
    assert.equal(server(stats, 'http://10.0.0.2').inFlight, 1);
    stats.serverResult(cell, 200);
    stats.mirrorDone(copy, 200);
    const v1 = item(stats, 'services', 'v1@file');
    assert.deepEqual([v1.inFlight, v1.requests, v1.window['2xx']], [0, 1, 1]);
    assert.deepEqual([server(stats, 'http://10.0.0.2').inFlight, server(stats, 'http://10.0.0.2').requests], [0, 1]);
    assert.equal(item(stats, 'entryPoints', 'web').requests, 0);
    assert.equal(item(stats, 'routers', 'app@file').requests, 0);
  });

  it('ends a failed mirror copy as a 5xx on its services', () => {
    const { stats } = setup();
    const copy = fakeExchange();
    copy.log.routerName = 'app@file';
    copy.log.services.push('v1@file');
    stats.serviceEntered(copy, stats.service('v1@file'));
    stats.mirrorDone(copy, 502);
    const v1 = item(stats, 'services', 'v1@file');
    assert.deepEqual([v1.inFlight, v1.window['5xx'], v1.errorRatio['5xx']], [0, 1, 1]);
  });

  it('counts an upgraded connection as a WebSocket while open and as a finished 1xx request once closed', () => {
    const { stats } = setup();
    const exchange = fakeExchange({ upgrade: true });
    start(stats, exchange);
    writeHeadThroughHooks(exchange, 101, ['Upgrade', 'websocket']);
    stats.serverResult(stats.server('v1@file', 'http://10.0.0.1'), 101);
    const open = [item(stats, 'entryPoints', 'web'), item(stats, 'routers', 'app@file'), item(stats, 'services', 'canary@file'),
      item(stats, 'services', 'v1@file'), server(stats, 'http://10.0.0.1')];
    for (const s of open) assert.deepEqual([s.inFlight, s.websockets, s.requests], [0, 1, 0]);
    stats.requestDone(exchange, 60_000_000_000n);
    const closed = [item(stats, 'entryPoints', 'web'), item(stats, 'routers', 'app@file'), item(stats, 'services', 'canary@file'),
      item(stats, 'services', 'v1@file'), server(stats, 'http://10.0.0.1')];
    for (const s of closed) {
      assert.deepEqual([s.inFlight, s.websockets, s.requests, s.window['1xx']], [0, 0, 1, 1]);
      assert.equal(s.latencyMs, null, 'a connection\'s lifetime is no latency');
    }
  });

  it('ends an upgrade request the server refused like any request', () => {
    const { stats } = setup();
    const exchange = fakeExchange({ upgrade: true });
    start(stats, exchange, { status: 404 })();
    const router = item(stats, 'routers', 'app@file');
    assert.deepEqual([router.inFlight, router.websockets, router.window['4xx']], [0, 0, 1]);
  });

  it('counts a sticky session once per request on the loadBalancer and the server', () => {
    const { stats } = setup();
    const exchange = fakeExchange();
    const service = stats.service('v1@file');
    const cell = stats.server('v1@file', 'http://10.0.0.2');
    stats.stickyStarted(exchange, service, cell);
    stats.stickyStarted(exchange, service, cell); // a retry of the same request
    stats.stickyStarted(fakeExchange(), service, cell);
    assert.equal(item(stats, 'services', 'v1@file').stickyStarted, 2);
    assert.equal(server(stats, 'http://10.0.0.2').stickyStarted, 2);
    assert.equal(exchange.log.stickyStarted, true);
  });

  it('adds request body bytes as received and response body bytes as sent', () => {
    const { stats } = setup();
    serve(stats, { bytesOut: 300 }, { contentLength: 120 });
    serve(stats, { bytesOut: 5 });
    for (const s of [item(stats, 'entryPoints', 'web'), item(stats, 'routers', 'app@file'), item(stats, 'services', 'v1@file'),
      server(stats, 'http://10.0.0.1')]) {
      assert.deepEqual([s.bytesIn, s.bytesOut], [120, 305]);
    }
  });

  it('times the last request on the clock, from the wall time at creation', () => {
    const { clock, stats } = setup();
    clock.advance(1_500);
    serve(stats);
    assert.equal(item(stats, 'routers', 'app@file').lastRequestAt, '2030-05-01T12:00:01.500Z');
    assert.equal(stats.snapshot().at, '2030-05-01T12:00:01.500Z');
  });

  it('drops routers, services and servers the configuration no longer has, and ignores their late ends', () => {
    const { stats } = setup();
    const finish = start(stats, fakeExchange());
    stats.retain({ routers: [], services: new Map([['v1@file', ['http://10.0.0.2']]]) });
    let doc = stats.snapshot();
    assert.deepEqual(Object.keys(doc.routers), []);
    assert.deepEqual(Object.keys(doc.services), ['v1@file']);
    assert.deepEqual(Object.keys(doc.services['v1@file']!.servers!), ['http://10.0.0.2']);
    assert.equal(doc.services['v1@file']!.inFlight, 1, 'a kept item keeps its counts');
    finish();
    doc = stats.snapshot();
    assert.deepEqual(Object.keys(doc.routers), [], 'a late end does not bring a dropped item back');
    assert.deepEqual(Object.keys(doc.services['v1@file']!.servers!), ['http://10.0.0.2']);
    assert.equal(doc.services['v1@file']!.inFlight, 0);
    assert.deepEqual(Object.keys(doc.entryPoints), ['web'], 'entry points stay');
  });

  it('never lets a count in flight go below zero when an item was replaced meanwhile', () => {
    const { stats } = setup();
    const finish = start(stats, fakeExchange());
    stats.retain({ routers: [], services: new Map() });
    stats.router('app@file'); // the item comes back with a fresh cell before the request ends
    finish();
    assert.equal(item(stats, 'routers', 'app@file').inFlight, 0);
  });
});
