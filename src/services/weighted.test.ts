/**
 * Weighted and highestRandomWeight services over child handlers: EDF order, draining children
 * reachable only by cookie, health propagation with `healthCheck: {}` (and its refusal when a
 * child reports no health), nesting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { highestRandomWeightServiceSchema, weightedServiceSchema, type HighestRandomWeightService, type WeightedService } from '../config/http-services.ts';
import { getHeaderValues, type Handler } from '../lib/exchange.ts';
import { fakeExchange, recordingHandler, type FakeRequest } from '../middlewares/testing/fake-exchange.ts';
import type { BuiltService } from './built-service.ts';
import { createComputedHealthSignal, type ComputedHealthSignal } from './health/health-signal.ts';
import { ChildNotHealthAwareError, createHighestRandomWeight, createWeighted, type ChildService } from './weighted.ts';

const sha16 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

function answering(name: string): Handler {
  return recordingHandler({ body: name });
}

interface Switchable {
  up: boolean;
  readonly signal: ComputedHealthSignal;
}

function switchable(): Switchable {
  const state = { up: true } as Switchable;
  (state as { signal: ComputedHealthSignal }).signal = createComputedHealthSignal(() => state.up);
  return state;
}

function set(s: Switchable, up: boolean): void {
  s.up = up;
  s.signal.recheck();
}

async function send(service: BuiltService, request: FakeRequest = {}): Promise<{ status: number; body: string; cookies: string[] }> {
  const ex = fakeExchange(request);
  await service.handler(ex);
  const sent = await ex.done;
  return { status: sent.status, body: sent.body, cookies: getHeaderValues(sent.headers, 'set-cookie') };
}

const weighted = (raw: Record<string, unknown>): WeightedService => weightedServiceSchema.parse(raw) as WeightedService;

test('weights 1:2 give Traefik’s EDF order over child services', async () => {
  const children: ChildService[] = [
    { name: 'v1', weight: 1, handler: answering('v1'), health: null },
    { name: 'v2', weight: 2, handler: answering('v2'), health: null },
  ];
  const svc = createWeighted('canary@file', weighted({}), children);
  const seen: string[] = [];
  for (let i = 0; i < 9; i++) seen.push((await send(svc)).body);
  assert.deepEqual(seen, ['v2', 'v1', 'v2', 'v2', 'v1', 'v2', 'v2', 'v1', 'v2']);
});

test('a child with weight 0 drains: no new clients, its cookie still reaches it', async () => {
  const children: ChildService[] = [
    { name: 'old', weight: 0, handler: answering('old'), health: null },
    { name: 'new', weight: 1, handler: answering('new'), health: null },
  ];
  const svc = createWeighted('drain@file', weighted({ sticky: { cookie: { name: 'lvl1' } } }), children);
  for (let i = 0; i < 4; i++) assert.equal((await send(svc)).body, 'new');
  const pinned = await send(svc, { headers: ['Cookie', `lvl1=${sha16('old')}`] });
  assert.equal(pinned.body, 'old');
  assert.deepEqual(pinned.cookies, []);
});

test('with healthCheck: {} a DOWN child gets no traffic, the sticky client moves, and the parent reports upward', async () => {
  const a = switchable();
  const b = switchable();
  const children: ChildService[] = [
    { name: 'a', weight: 1, handler: answering('a'), health: a.signal },
    { name: 'b', weight: 1, handler: answering('b'), health: b.signal },
  ];
  const svc = createWeighted('hc@file', weighted({ healthCheck: {}, sticky: { cookie: { name: 'c' } } }), children);
  assert.ok(svc.health !== null);
  const flips: boolean[] = [];
  svc.health.subscribe((up) => flips.push(up));
  set(a, false);
  for (let i = 0; i < 3; i++) assert.equal((await send(svc)).body, 'b');
  const moved = await send(svc, { headers: ['Cookie', `c=${sha16('a')}`] });
  assert.equal(moved.body, 'b');
  assert.deepEqual(moved.cookies, [`c=${sha16('b')}; Path=/`]);
  set(b, false);
  assert.equal((await send(svc)).status, 503);
  assert.deepEqual(svc.details?.(), { children: [{ name: 'a', weight: 1, status: 'DOWN' }, { name: 'b', weight: 1, status: 'DOWN' }] });
  set(a, true);
  assert.equal((await send(svc)).body, 'a');
  assert.deepEqual(flips, [false, true]);
});

test('without healthCheck: {} the parent ignores its children’s health, as Traefik', async () => {
  const a = switchable();
  const svc = createWeighted('plain@file', weighted({}), [{ name: 'a', weight: 1, handler: answering('a'), health: a.signal }]);
  set(a, false);
  assert.equal((await send(svc)).body, 'a');
  assert.equal(svc.health, null);
});

test('healthCheck: {} over a child that reports no health is refused', () => {
  assert.throws(
    () => createWeighted('p@file', weighted({ healthCheck: {} }), [{ name: 'x', weight: 1, handler: answering('x'), health: null }]),
    (err: unknown) => err instanceof ChildNotHealthAwareError && /child service "x" of "p@file" does not report health/.test(err.message),
  );
});

test('nested weighted services propagate health two levels up', async () => {
  const leaf = switchable();
  const inner = createWeighted('inner@file', weighted({ healthCheck: {} }), [{ name: 'leaf', weight: 1, handler: answering('leaf'), health: leaf.signal }]);
  const other = switchable();
  const outer = createWeighted('outer@file', weighted({ healthCheck: {} }), [
    { name: 'inner', weight: 3, handler: inner.handler, health: inner.health },
    { name: 'other', weight: 1, handler: answering('other'), health: other.signal },
  ]);
  set(leaf, false);
  for (let i = 0; i < 4; i++) assert.equal((await send(outer)).body, 'other');
  set(other, false);
  assert.equal(outer.health?.isUp(), false);
});

test('highestRandomWeight keeps a client IP on one child and skips DOWN children', async () => {
  const b = switchable();
  const config = highestRandomWeightServiceSchema.parse({ healthCheck: {} }) as HighestRandomWeightService;
  const svc = createHighestRandomWeight('hrw@file', config, [
    { name: 'a', weight: 1, handler: answering('a'), health: createComputedHealthSignal(() => true) },
    { name: 'b', weight: 1, handler: answering('b'), health: b.signal },
    { name: 'c', weight: 1, handler: answering('c'), health: createComputedHealthSignal(() => true) },
  ]);
  const placed = new Map<string, string>();
  for (let i = 1; i <= 30; i++) {
    const ip = `192.0.2.${i}`;
    const first = (await send(svc, { remoteAddress: ip })).body;
    placed.set(ip, first);
    assert.equal((await send(svc, { remoteAddress: ip })).body, first);
  }
  assert.equal(new Set(placed.values()).size, 3);
  set(b, false);
  for (const [ip, was] of placed) {
    const now = (await send(svc, { remoteAddress: ip })).body;
    if (was !== 'b') assert.equal(now, was, 'clients of an UP child stay');
    else assert.notEqual(now, 'b');
  }
});

test('sticky.clientIP on a weighted service keeps a client IP on its child while the weights would move it', async () => {
  const { createManualClock } = await import('../lib/manual-clock.ts');
  const { createAffinityRegistry } = await import('./sticky/client-ip-affinity.ts');
  const clock = createManualClock(0);
  const registry = createAffinityRegistry(clock);
  const children: ChildService[] = [
    { name: 'v1', weight: 1, handler: answering('v1'), health: null },
    { name: 'v2', weight: 1, handler: answering('v2'), health: null },
  ];
  const svc = createWeighted('ip@file', weighted({ sticky: { clientIP: { timeout: '10s' } } }), children, registry);
  const placed = new Map<string, string>();
  for (let i = 1; i <= 20; i++) placed.set(`198.51.100.${i}`, (await send(svc, { remoteAddress: `198.51.100.${i}` })).body);
  assert.equal(new Set(placed.values()).size, 2);
  for (let round = 0; round < 3; round++) {
    clock.advance(9_000);
    for (const [ip, child] of placed) assert.equal((await send(svc, { remoteAddress: ip })).body, child);
  }
  assert.deepEqual(svc.details?.(), {
    children: [{ name: 'v1', weight: 1, status: 'UP' }, { name: 'v2', weight: 1, status: 'UP' }],
    affinityEntries: 20,
  });
  svc.dispose();
});
