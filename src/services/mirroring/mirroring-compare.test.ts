import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mirroringServiceSchema, type MirroringService } from '../../config/dynamic.ts';
import { sendText, type Exchange, type Handler } from '../../lib/exchange.ts';
import { createUpstreamPools } from '../../proxy/upstream-pools.ts';
import type { BuiltService } from '../built-service.ts';
import { createMirroring, type MirrorTarget } from './mirroring.ts';
import { proxyTo, sha256, startServer, type TestServer } from './testing/http-servers.ts';
import { memoryExchange } from './testing/memory-exchange.ts';
import { trackEnds } from './testing/track-ends.ts';

const pools = createUpstreamPools();
const servers: TestServer[] = [];
after(async () => {
  await pools.dispose();
  await Promise.all(servers.map((s) => s.close()));
});

const config = mirroringServiceSchema.parse({ service: 'main', mirrors: [] }) as MirroringService;

function service(handler: Handler): BuiltService {
  return { handler, health: null, serverStatus: () => undefined, dispose() {} };
}

/** A server answering each path with a status and body from `answers`. */
async function answeringServer(answers: Record<string, [number, string]>): Promise<string> {
  const s = await startServer((req, res) => {
    const [status, body] = answers[(req.url ?? '').split('?')[0]!] ?? [404, 'missing'];
    req.resume();
    req.on('end', () => {
      res.statusCode = status;
      res.end(body);
    });
  });
  servers.push(s);
  return s.url;
}

test('compare counts a mirror answering a different status or body, and not one answering the same', { timeout: 30_000 }, async () => {
  const mainUrl = await answeringServer({ '/same': [200, 'hello'], '/body': [200, 'hello'], '/status': [200, 'hello'] });
  const mirrorUrl = await answeringServer({ '/same': [200, 'hello'], '/body': [200, 'HELLO'], '/status': [503, 'hello'] });
  const compared = trackEnds(proxyTo(mirrorUrl, pools));
  const plain = trackEnds(proxyTo(mirrorUrl, pools));
  const m = createMirroring('m@file', config, {
    main: service(proxyTo(mainUrl, pools)),
    mirrors: [
      { name: 'v2', percent: 100, compare: true, handler: compared.handler },
      { name: 'plain', percent: 100, compare: false, handler: plain.handler },
    ],
    now: () => Date.UTC(2025, 0, 2, 3, 4, 5),
  });
  let n = 0;
  for (const path of ['/same', '/body', '/status']) {
    const ex = memoryExchange({ method: 'GET', target: `${path}?token=secret` });
    void m.handler(ex);
    await ex.done;
    assert.equal(ex.receivedBody().toString(), 'hello', 'the client always gets the primary');
    n++;
    await compared.ended(n);
    await plain.ended(n);
  }
  const [v2, other] = m.stats();
  assert.deepEqual(
    [v2!.sent, v2!.completed, v2!.compared, v2!.statusMismatches, v2!.bodyMismatches, v2!.meanLatencyDeltaMs],
    [3, 3, 3, 1, 1, 0],
  );
  assert.deepEqual(v2!.recent, [
    { time: '2025-01-02T03:04:05.000Z', method: 'GET', path: '/body', primaryStatus: 200, mirrorStatus: 200, primaryDigest: sha256('hello'), mirrorDigest: sha256('HELLO') },
    { time: '2025-01-02T03:04:05.000Z', method: 'GET', path: '/status', primaryStatus: 200, mirrorStatus: 503, primaryDigest: sha256('hello'), mirrorDigest: sha256('hello') },
  ]);
  assert.deepEqual([other!.completed, other!.compared, other!.statusMismatches, other!.bodyMismatches, other!.recent.length], [3, 0, 0, 0, 0]);
});

/** A handler that holds each exchange until the test answers it. */
function holding(): { readonly handler: Handler; readonly held: Exchange[] } {
  const held: Exchange[] = [];
  return { handler: (exchange) => void held.push(exchange), held };
}

function answer(exchange: Exchange, status: number, body: string): void {
  exchange.log.originStatus = status;
  sendText(exchange, status, body);
}

function compareMirror(handler: Handler): MirrorTarget {
  return { name: 'v2', percent: 100, compare: true, handler };
}

test('compare keeps the mean of mirror end minus primary end, whichever ends first', () => {
  let clock = 1000;
  const main = holding();
  const mirror = holding();
  const m = createMirroring('m@file', config, { main: service(main.handler), mirrors: [compareMirror(mirror.handler)], now: () => clock });

  void m.handler(memoryExchange({ target: '/a' }));
  clock = 1100;
  answer(main.held[0]!, 200, 'same');
  clock = 1130;
  answer(mirror.held[0]!, 200, 'same');
  assert.equal(m.stats()[0]!.meanLatencyDeltaMs, 30);

  void m.handler(memoryExchange({ target: '/b' }));
  clock = 2000;
  answer(mirror.held[1]!, 200, 'same');
  clock = 2010;
  answer(main.held[1]!, 200, 'same');
  const [s] = m.stats();
  assert.deepEqual([s!.compared, s!.statusMismatches, s!.bodyMismatches, s!.meanLatencyDeltaMs, s!.recent.length], [2, 0, 0, 10, 0]);
});

test('compare keeps only the last 10 mismatches', () => {
  const mirror: Handler = (exchange) => answer(exchange, 500, 'oops');
  const main: Handler = (exchange) => answer(exchange, 200, 'fine');
  const m = createMirroring('m@file', config, { main: service(main), mirrors: [compareMirror(mirror)], now: () => 0 });
  for (let i = 1; i <= 12; i++) void m.handler(memoryExchange({ target: `/r${i}` }));
  const [s] = m.stats();
  assert.deepEqual([s!.compared, s!.statusMismatches, s!.bodyMismatches], [12, 12, 12]);
  assert.deepEqual(s!.recent.map((r) => r.path), ['/r3', '/r4', '/r5', '/r6', '/r7', '/r8', '/r9', '/r10', '/r11', '/r12']);
});

test('a primary response torn down, or a failed mirror, is not compared', () => {
  const main = holding();
  const mirror = holding();
  const m = createMirroring('m@file', config, { main: service(main.handler), mirrors: [compareMirror(mirror.handler)], now: () => 0 });

  void m.handler(memoryExchange());
  main.held[0]!.response.destroy(new Error('client gone'));
  answer(mirror.held[0]!, 200, 'x');

  void m.handler(memoryExchange());
  answer(main.held[1]!, 200, 'x');
  sendText(mirror.held[1]!, 502, 'Bad Gateway'); // Switchyard's answer: the mirror's server was unreachable

  const [s] = m.stats();
  assert.deepEqual([s!.sent, s!.completed, s!.failed, s!.compared], [2, 1, 1, 0]);
});
