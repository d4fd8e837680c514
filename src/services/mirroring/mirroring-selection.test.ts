import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { mirroringServiceSchema, type MirroringService } from '../../config/dynamic.ts';
import { getHeaderValues, sendText, type Exchange, type Handler } from '../../lib/exchange.ts';
import type { BuiltService } from '../built-service.ts';
import { createComputedHealthSignal } from '../health/health-signal.ts';
import { createMirroring, type MirrorTarget } from './mirroring.ts';
import { memoryExchange, type MemoryExchange } from './testing/memory-exchange.ts';

function mirroringConfig(raw: Record<string, unknown>): MirroringService {
  return mirroringServiceSchema.parse({ service: 'main', ...raw }) as MirroringService;
}

/** A service answering 200 at once, remembering every exchange it saw. */
function answering(): BuiltService & { readonly seen: Exchange[] } {
  const seen: Exchange[] = [];
  return {
    seen,
    handler: (exchange) => {
      seen.push(exchange);
      exchange.log.originStatus = 200;
      sendText(exchange, 200, 'ok');
    },
    health: null,
    serverStatus: () => undefined,
    dispose() {},
  };
}

function mirror(name: string, percent: number, handler: Handler, compare = false): MirrorTarget {
  return { name, percent, compare, handler };
}

test('mirrors exactly ceil(N·p/100) of N requests, evenly spaced, the first one included', () => {
  const main = answering();
  const ten = answering();
  const half = answering();
  const never = answering();
  const m = createMirroring('mirrored@file', mirroringConfig({}), {
    main,
    mirrors: [mirror('ten', 10, ten.handler), mirror('half', 50, half.handler), mirror('never', 0, never.handler)],
  });
  const tenAt: number[] = [];
  const halfAt: number[] = [];
  for (let i = 1; i <= 100; i++) {
    const tenBefore = ten.seen.length;
    const halfBefore = half.seen.length;
    void m.handler(memoryExchange({ target: `/r${i}` }));
    if (ten.seen.length > tenBefore) tenAt.push(i);
    if (half.seen.length > halfBefore) halfAt.push(i);
  }
  assert.equal(main.seen.length, 100);
  assert.deepEqual(tenAt, [1, 11, 21, 31, 41, 51, 61, 71, 81, 91]);
  assert.equal(halfAt.length, 50);
  assert.deepEqual(halfAt.slice(0, 4), [1, 3, 5, 7]);
  assert.equal(never.seen.length, 0);
  assert.deepEqual(m.stats().map((s) => [s.name, s.sent, s.completed]), [['ten', 10, 10], ['half', 50, 50], ['never', 0, 0]]);
});

test('mirrors ceil(N·p/100) for percentages that do not divide 100', () => {
  for (const [percent, requests, expected] of [[33, 10, 4], [1, 101, 2], [99, 7, 7], [100, 5, 5]] as const) {
    const target = answering();
    const m = createMirroring('m@file', mirroringConfig({}), { main: answering(), mirrors: [mirror('x', percent, target.handler)] });
    for (let i = 0; i < requests; i++) void m.handler(memoryExchange());
    assert.equal(target.seen.length, expected, `${percent}% of ${requests}`);
  }
});

test('a request no mirror takes reaches the main service as the very same exchange', () => {
  const main = answering();
  const m = createMirroring('m@file', mirroringConfig({}), { main, mirrors: [mirror('x', 50, answering().handler)] });
  const withBody = (): MemoryExchange => memoryExchange({ method: 'POST', headers: ['Content-Length', '2'], body: Readable.from([Buffer.from('hi')]) });
  const first = withBody();
  const second = withBody();
  void m.handler(first);
  void m.handler(second);
  assert.notEqual(main.seen[0], first, 'the mirrored request reads its body through the tee');
  assert.notEqual(main.seen[0]!.body, first.body);
  assert.equal(main.seen[1], second, 'the request that is not mirrored is passed through untouched');
});

test('upgrade requests are never mirrored and do not advance the counter', () => {
  const target = answering();
  const main = answering();
  const m = createMirroring('m@file', mirroringConfig({}), { main, mirrors: [mirror('x', 50, target.handler)] });
  const upgrade = memoryExchange({ upgrade: true, headers: ['Connection', 'Upgrade', 'Upgrade', 'websocket'] });
  void m.handler(upgrade);
  assert.equal(main.seen[0], upgrade);
  assert.equal(target.seen.length, 0);
  void m.handler(memoryExchange());
  assert.equal(target.seen.length, 1, 'the first mirrorable request is still the first one counted');
});

test('a mirror gets its own copy of the head with X-Switchyard-Mirror naming it as written', () => {
  const main = answering();
  const target = answering();
  const m = createMirroring('m@file', mirroringConfig({}), { main, mirrors: [mirror('Shadow-V2', 100, target.handler)] });
  const ex = memoryExchange({
    method: 'DELETE',
    target: '/items/7?force=1',
    headers: ['Host', 'api.example.com', 'X-Switchyard-Mirror', 'spoofed', 'Accept', 'application/json'],
  });
  void m.handler(ex);
  const seen = target.seen[0]!;
  assert.equal(seen.request.method, 'DELETE');
  assert.equal(seen.request.path, '/items/7');
  assert.equal(seen.request.query, 'force=1');
  assert.deepEqual(seen.request.headers, ['Host', 'api.example.com', 'Accept', 'application/json', 'X-Switchyard-Mirror', 'Shadow-V2']);
  assert.deepEqual(getHeaderValues(ex.request.headers, 'x-switchyard-mirror'), ['spoofed'], 'the primary head is untouched');
  assert.notEqual(seen.request.headers, ex.request.headers);
  assert.equal(seen.upgrade, null);
  assert.notEqual(seen.log, ex.log);
  assert.equal(ex.client.status, 200);
});

test('the client going away does not reach a mirror', () => {
  let mirrorExchange: Exchange | undefined;
  let notified = false;
  const holding: Handler = (exchange) => {
    mirrorExchange = exchange;
    exchange.onClientGone(() => {
      notified = true;
    });
  };
  const mainHolding: BuiltService = { ...answering(), handler: () => {} };
  const m = createMirroring('m@file', mirroringConfig({}), { main: mainHolding, mirrors: [mirror('x', 100, holding)] });
  const ex = memoryExchange();
  void m.handler(ex);
  const aborted = mirrorExchange!.signal;
  ex.goAway();
  assert.equal(ex.signal.aborted, true);
  assert.equal(aborted.aborted, false);
  assert.equal(mirrorExchange!.clientGone, false);
  assert.equal(notified, false);
});

test('a mirror handler that throws or rejects counts as failed and the client never sees it', async () => {
  const main = answering();
  const throwing: Handler = () => {
    throw new Error('boom');
  };
  const rejecting: Handler = () => Promise.reject(new Error('boom'));
  const m = createMirroring('m@file', mirroringConfig({}), { main, mirrors: [mirror('t', 100, throwing), mirror('r', 100, rejecting)] });
  const ex = memoryExchange();
  await m.handler(ex);
  await ex.done;
  await Promise.resolve();
  assert.equal(ex.client.status, 200);
  assert.equal(ex.receivedBody().toString(), 'ok');
  assert.deepEqual(m.stats().map((s) => [s.name, s.sent, s.failed, s.completed]), [['t', 1, 1, 0], ['r', 1, 1, 0]]);
});

test('a mirror answered by Switchyard rather than a server counts as failed', () => {
  const proxyErrorLike: Handler = (exchange) => sendText(exchange, 502, 'Bad Gateway'); // no originStatus
  const m = createMirroring('m@file', mirroringConfig({}), { main: answering(), mirrors: [mirror('x', 100, proxyErrorLike)] });
  void m.handler(memoryExchange());
  assert.deepEqual(m.stats().map((s) => [s.sent, s.completed, s.failed]), [[1, 0, 1]]);
});

test('health forwards the main service signal only with healthCheck: {}, and mirrors have none in it', () => {
  const signal = createComputedHealthSignal(() => true);
  const main: BuiltService = { ...answering(), health: signal };
  const mirrorSignalled: BuiltService = { ...answering(), health: createComputedHealthSignal(() => false) };
  const without = createMirroring('m@file', mirroringConfig({}), { main, mirrors: [mirror('x', 10, mirrorSignalled.handler)] });
  const withCheck = createMirroring('m@file', mirroringConfig({ healthCheck: {} }), { main, mirrors: [mirror('x', 10, mirrorSignalled.handler)] });
  assert.equal(without.health, null);
  assert.equal(withCheck.health, signal);
  assert.equal(withCheck.serverStatus(), undefined);
});

test('details() shows the mirror stats and stats() are snapshots', () => {
  const m = createMirroring('m@file', mirroringConfig({}), { main: answering(), mirrors: [mirror('x', 100, answering().handler)] });
  const before = m.stats();
  void m.handler(memoryExchange());
  assert.equal(before[0]!.sent, 0);
  assert.deepEqual(m.details!(), {
    mirrors: [{
      name: 'x', percent: 100, sent: 1, completed: 1, aborted: 0, failed: 0, skipped: 0,
      compared: 0, statusMismatches: 0, bodyMismatches: 0, meanLatencyDeltaMs: 0, recent: [],
    }],
  });
});
