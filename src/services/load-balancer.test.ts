/**
 * The loadBalancer service on real backends (127.0.0.1, port 0) through the real proxy, with
 * time driven by a manual clock: client-IP affinity across a server being added and its idle
 * expiry, slow start, draining (fenced), health taking servers out, hash keys, and state that
 * survives a rebuild.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { LoadBalancerService } from '../config/dynamic.ts';
import { loadBalancerSchema } from '../config/http-services.ts';
import { createManualClock, type ManualClock } from '../lib/manual-clock.ts';
import { fakeExchange, type FakeRequest } from '../middlewares/testing/fake-exchange.ts';
import { createUpstreamPools, defaultTransport, type UpstreamPools } from '../proxy/upstream-pools.ts';
import type { BuiltService } from './built-service.ts';
import { createHealthRegistry, type HealthRegistry } from './health/server-health.ts';
import { createLoadBalancer } from './load-balancer.ts';
import { createPolicyMemoryRegistry, type PolicyMemoryRegistry } from './policy-memory.ts';
import { createAffinityRegistry, type AffinityRegistry } from './sticky/client-ip-affinity.ts';

const backends: { name: string; server: Server; url: string }[] = [];
let pools: UpstreamPools;
/** Servers that answer 500 while listed here. */
const failing = new Set<string>();

before(async () => {
  pools = createUpstreamPools();
  for (const name of ['s1', 's2', 's3', 's4']) {
    const server = createServer((_req, res) => {
      res.writeHead(failing.has(name) ? 500 : 200, { 'content-type': 'text/plain' });
      res.end(name);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    backends.push({ name, server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` });
  }
});

after(async () => {
  await pools.dispose();
  for (const b of backends) {
    b.server.closeAllConnections();
    b.server.close();
  }
});

interface World {
  clock: ManualClock;
  health: HealthRegistry;
  affinity: AffinityRegistry;
  memory: PolicyMemoryRegistry;
}

function world(): World {
  const clock = createManualClock(1_000_000);
  return { clock, health: createHealthRegistry(clock), affinity: createAffinityRegistry(clock), memory: createPolicyMemoryRegistry() };
}

function lbConfig(raw: Record<string, unknown>): LoadBalancerService {
  return loadBalancerSchema.parse(raw) as LoadBalancerService;
}

function build(w: World, name: string, raw: Record<string, unknown>): BuiltService {
  return createLoadBalancer(name, lbConfig(raw), {
    pools, transport: defaultTransport, notAppendXForwardedFor: false, health: w.health, affinity: w.affinity, clock: w.clock,
    random: () => 0.5, policyMemory: w.memory,
  });
}

async function send(service: BuiltService, request: FakeRequest = {}): Promise<{ status: number; body: string; headers: string[] }> {
  const ex = fakeExchange(request);
  await service.handler(ex);
  const sent = await ex.done;
  return { status: sent.status, body: sent.body, headers: sent.headers };
}

const servers = (n: number): { url: string }[] => backends.slice(0, n).map((b) => ({ url: b.url }));

test('client-IP affinity keeps a client on its server when a server is added, and expires after the idle timeout', async () => {
  const w = world();
  const timeoutMs = 60_000;
  const three = build(w, 'app@file', { servers: servers(3), sticky: { clientIP: { timeout: '60s' } } });
  const clients = Array.from({ length: 40 }, (_, i) => `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`);
  const first = new Map<string, string>();
  for (const ip of clients) first.set(ip, (await send(three, { remoteAddress: ip })).body);

  // A fourth server arrives (a reload builds a new service; the table is kept by name).
  const four = build(w, 'app@file', { servers: servers(4), sticky: { clientIP: { timeout: '60s' } } });
  three.dispose();
  for (let round = 0; round < 3; round++) {
    w.clock.advance(timeoutMs * 0.9);
    for (const ip of clients) assert.equal((await send(four, { remoteAddress: ip })).body, first.get(ip), `${ip} keeps its server`);
  }

  // Without the table (another replica), the rendezvous choice over four servers moves only
  // the clients the new server wins: about 1/4 of them, never to an old server.
  const fresh = world();
  const elsewhere = build(fresh, 'app@file', { servers: servers(4), sticky: { clientIP: { timeout: '60s' } } });
  let moved = 0;
  for (const ip of clients) {
    const there = (await send(elsewhere, { remoteAddress: ip })).body;
    if (there !== first.get(ip)) {
      moved++;
      assert.equal(there, 's4', 'a client that moves goes to the new server');
    }
  }
  assert.ok(moved > 0 && moved < clients.length / 2, `moved ${moved} of ${clients.length}`);
  elsewhere.dispose();

  // Idle longer than the timeout: the entry expires and the client is placed afresh (the
  // rendezvous choice over the current four servers).
  w.clock.advance(timeoutMs + 1);
  const fresh4 = world();
  const reference = build(fresh4, 'ref@file', { servers: servers(4), sticky: { clientIP: { timeout: '60s' } } });
  for (const ip of clients) {
    assert.equal((await send(four, { remoteAddress: ip })).body, (await send(reference, { remoteAddress: ip })).body);
  }
  assert.ok(JSON.stringify(four.details?.()).includes('"affinityEntries":40'));
  reference.dispose();
  four.dispose();
});

test('slow start: a server that comes back UP ramps its share of new requests', async () => {
  const w = world();
  const lb = build(w, 'ramp@file', { servers: servers(2), slowStart: '100s' });
  const s2 = w.health.get('ramp@file', backends[1]!.url)!;
  // Both servers ramp from the start of the service; let that pass.
  w.clock.advance(100_000);
  s2.set('DOWN', 'test');
  s2.set('UP', 'test');
  const share = async (): Promise<number> => {
    let n = 0;
    for (let i = 0; i < 200; i++) if ((await send(lb)).body === 's2') n++;
    return n / 200;
  };
  const early = await share();
  w.clock.advance(50_000);
  const middle = await share();
  w.clock.advance(50_000);
  const done = await share();
  assert.ok(early < 0.2, `just back: ${early}`);
  assert.ok(middle > early && middle < 0.45, `halfway: ${middle}`);
  assert.ok(Math.abs(done - 0.5) <= 0.01, `ramped: ${done}`);
  lb.dispose();
});

test('a DOWN server gets nothing; all DOWN answers 503; the health signal follows', async () => {
  const w = world();
  const lb = build(w, 'hc@file', { servers: servers(2), healthCheck: { path: '/health', interval: '10s' } });
  assert.ok(lb.health !== null);
  const flips: boolean[] = [];
  lb.health.subscribe((up) => flips.push(up));
  w.health.get('hc@file', backends[0]!.url)!.set('DOWN', 'test');
  for (let i = 0; i < 4; i++) assert.equal((await send(lb)).body, 's2');
  w.health.get('hc@file', backends[1]!.url)!.set('DOWN', 'test');
  const r = await send(lb);
  assert.equal(r.status, 503);
  assert.equal(r.body, 'no available server\n');
  w.health.get('hc@file', backends[0]!.url)!.set('UP', 'test');
  assert.equal((await send(lb)).body, 's1');
  assert.deepEqual(flips, [false, true]);
  assert.deepEqual(lb.serverStatus(), { [backends[0]!.url]: 'UP', [backends[1]!.url]: 'DOWN' });
  lb.dispose();
});

test('health survives a rebuild: the record is shared while the new service takes over', async () => {
  const w = world();
  const a = build(w, 'keep@file', { servers: servers(2), healthCheck: { path: '/health', interval: '10s' } });
  w.health.get('keep@file', backends[0]!.url)!.set('DOWN', 'probe failed');
  const b = build(w, 'keep@file', { servers: servers(2), healthCheck: { path: '/health', interval: '10s' } });
  a.dispose();
  assert.equal(b.serverStatus()?.[backends[0]!.url], 'DOWN');
  assert.equal((await send(b)).body, 's2');
  b.dispose();
});

test('fenced servers keep their sticky clients and get no new ones; serverStatus says DRAINING', async () => {
  const w = world();
  const lb = build(w, 'fence@file', {
    servers: [{ url: backends[0]!.url, fenced: true }, { url: backends[1]!.url }],
    sticky: { cookie: { name: 'c' } },
  });
  for (let i = 0; i < 4; i++) assert.equal((await send(lb)).body, 's2');
  const legacy = await send(lb, { headers: ['Cookie', `c=${backends[0]!.url}`] });
  assert.equal(legacy.body, 's1');
  assert.deepEqual(lb.serverStatus(), { [backends[0]!.url]: 'DRAINING', [backends[1]!.url]: 'UP' });
  lb.dispose();
});

test('strategy hash: a header key keeps its server; requests without it are spread', async () => {
  const w = world();
  const lb = build(w, 'hash@file', { servers: servers(3), strategy: 'hash', hash: { header: 'X-User' } });
  for (const user of ['alice', 'bob', 'carol', 'dave']) {
    const first = (await send(lb, { headers: ['X-User', user] })).body;
    for (let i = 0; i < 5; i++) assert.equal((await send(lb, { headers: ['X-User', user] })).body, first);
  }
  const spread = new Set<string>();
  for (let i = 0; i < 6; i++) spread.add((await send(lb)).body);
  assert.equal(spread.size, 3);
  lb.dispose();
});

test('strategy hash on a cookie or a query parameter', async () => {
  const w = world();
  const byCookie = build(w, 'hc@file', { servers: servers(3), strategy: 'hash', hash: { cookie: 'session' } });
  const byQuery = build(w, 'hq@file', { servers: servers(3), strategy: 'hash', hash: { query: 'user' } });
  for (const user of ['u1', 'u2', 'u3']) {
    const c = (await send(byCookie, { headers: ['Cookie', `a=b; session=${user}`] })).body;
    const q = (await send(byQuery, { target: `/x?user=${user}&z=1` })).body;
    for (let i = 0; i < 4; i++) {
      assert.equal((await send(byCookie, { headers: ['Cookie', `session=${user}`] })).body, c);
      assert.equal((await send(byQuery, { target: `/y?z=2&user=${user}` })).body, q);
    }
  }
  byCookie.dispose();
  byQuery.dispose();
});

test('drr: load moves away from a server answering 5xx, and back after it recovers; a reload keeps the weights', async () => {
  const w = world();
  const raw = { servers: servers(3), strategy: 'drr' };
  let lb = build(w, 'drr@file', raw);
  const share = async (seconds: number): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    for (let t = 0; t < seconds * 10; t++) {
      const body = (await send(lb)).body;
      counts[body] = (counts[body] ?? 0) + 1;
      w.clock.advance(100);
    }
    return counts;
  };
  failing.add('s3');
  try {
    await share(12); // the 10 s windows fill; the first rebalance happens
    const during = await share(20);
    assert.ok((during['s3'] ?? 0) * 5 < (during['s1'] ?? 0), `s3 gets far less than s1: ${JSON.stringify(during)}`);
    const weights = JSON.stringify((lb.details?.() as { servers: { effectiveWeight?: number }[] }).servers.map((s) => s.effectiveWeight ?? 1));

    // A configuration reload with the same servers carries the learned weights over.
    const next = build(w, 'drr@file', raw);
    lb.dispose();
    lb = next;
    assert.equal(JSON.stringify((lb.details?.() as { servers: { effectiveWeight?: number }[] }).servers.map((s) => s.effectiveWeight ?? 1)), weights);
  } finally {
    failing.delete('s3');
  }
  await share(150); // errors leave the windows, weights converge back by /4 per back-off
  const after = await share(9);
  assert.deepEqual(after, { s1: 30, s2: 30, s3: 30 });
  lb.dispose();
});
