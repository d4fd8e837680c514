/**
 * A loadBalancer's explain() against its real handler, on real backends (127.0.0.1, port 0):
 * for every strategy, explain names the server the next request then reaches, and explaining
 * (many times) changes nothing: the sequence of servers is the one a twin service that was
 * never asked gives.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { ExplainChild, ServiceExplanation } from '../config/explain-view.ts';
import type { LoadBalancerService } from '../config/dynamic.ts';
import { loadBalancerSchema } from '../config/http-services.ts';
import { createManualClock } from '../lib/manual-clock.ts';
import { fakeExchange, type FakeRequest } from '../middlewares/testing/fake-exchange.ts';
import { createUpstreamPools, defaultTransport, type UpstreamPools } from '../proxy/upstream-pools.ts';
import type { BuiltService } from './built-service.ts';
import { createHealthRegistry, type HealthRegistry } from './health/server-health.ts';
import { createLoadBalancer } from './load-balancer.ts';
import { createPolicyMemoryRegistry } from './policy-memory.ts';
import { createAffinityRegistry } from './sticky/client-ip-affinity.ts';

const backends: { name: string; server: Server; url: string }[] = [];
let pools: UpstreamPools;

before(async () => {
  pools = createUpstreamPools();
  for (const name of ['s1', 's2', 's3', 's4']) {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
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

const noChildren: ExplainChild = (name) => assert.fail(`a loadBalancer has no child ${name}`);

interface Built {
  readonly service: BuiltService;
  readonly health: HealthRegistry;
}

/** A fresh world (clock, health, affinity) per service, so twins share nothing. */
function build(name: string, raw: Record<string, unknown>): Built {
  const clock = createManualClock(1_000_000);
  const health = createHealthRegistry(clock);
  const service = createLoadBalancer(name, loadBalancerSchema.parse(raw) as LoadBalancerService, {
    pools, transport: defaultTransport, notAppendXForwardedFor: false, health, affinity: createAffinityRegistry(clock), clock,
    random: () => 0.37, policyMemory: createPolicyMemoryRegistry(),
  });
  return { service, health };
}

async function send(service: BuiltService, request: FakeRequest): Promise<string> {
  const ex = fakeExchange(request);
  await service.handler(ex);
  const sent = await ex.done;
  assert.equal(sent.status, 200, sent.body);
  return backends.find((b) => b.name === sent.body)!.url;
}

function explain(service: BuiltService, request: FakeRequest): ServiceExplanation {
  assert.ok(service.explain !== undefined);
  return service.explain(fakeExchange(request).request, noChildren);
}

const url = (i: number): string => backends[i]!.url;

interface Case {
  readonly title: string;
  readonly config: () => Record<string, unknown>;
  /** The requests, in order (several clients, cookies, keys); made once the backends listen. */
  readonly requests: () => readonly FakeRequest[];
  readonly via: readonly ServiceExplanation['via'][];
  /** Servers taken DOWN after the build (indexes). */
  readonly down?: readonly number[];
  /** The choice depends on measured times: a twin service may measure others. */
  readonly timed?: boolean;
}

const clients: FakeRequest[] = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((ip) => ({ remoteAddress: ip }));
const sha16 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

const cases: readonly Case[] = [
  {
    title: 'wrr: the next in the rotation',
    config: () => ({ servers: [{ url: url(0), weight: 3 }, { url: url(1), weight: 1 }, { url: url(2), weight: 2 }] }),
    requests: () => clients, via: ['rotation'],
  },
  {
    title: 'wrr with a DOWN server: the next UP one in the rotation',
    config: () => ({ servers: [{ url: url(0), weight: 3 }, { url: url(1), weight: 1 }, { url: url(2), weight: 2 }] }),
    requests: () => clients, via: ['rotation'], down: [0],
  },
  {
    title: 'wrr with one server UP and one draining: the only choice',
    config: () => ({ servers: [{ url: url(0), weight: 0 }, { url: url(1), weight: 1 }] }),
    requests: () => clients, via: ['only-choice'],
  },
  {
    title: 'drr: the next in the rotation',
    config: () => ({ strategy: 'drr', servers: [{ url: url(0), weight: 2 }, { url: url(1) }, { url: url(2) }] }),
    requests: () => clients, via: ['rotation'],
  },
  {
    title: 'wrr with slow start: the rotation as the ramp admits servers',
    config: () => ({ slowStart: '10s', servers: [{ url: url(0) }, { url: url(1) }, { url: url(2) }] }),
    requests: () => clients, via: ['rotation'],
  },
  {
    title: 'hrw: the rendezvous choice for the client IP',
    config: () => ({ strategy: 'hrw', servers: [{ url: url(0) }, { url: url(1) }, { url: url(2) }, { url: url(3) }] }),
    requests: () => clients, via: ['hash'],
  },
  {
    title: 'hash on a header: the ring position of the key, and the rotation without a key',
    config: () => ({ strategy: 'hash', hash: { header: 'X-User', loadFactor: 1.25 }, servers: [{ url: url(0) }, { url: url(1) }, { url: url(2) }] }),
    requests: () => [{ headers: ['X-User', 'ann'] }, { headers: ['X-User', 'bob'] }, {}, { headers: ['X-User', 'cy'] }], via: ['hash', 'rotation'],
  },
  {
    title: 'leasttime: the lowest score',
    config: () => ({ strategy: 'leasttime', servers: [{ url: url(0), weight: 2 }, { url: url(1) }, { url: url(2) }] }),
    requests: () => clients, via: ['least-time'], timed: true,
  },
  {
    title: 'p2c: random among the UP servers',
    config: () => ({ strategy: 'p2c', servers: [{ url: url(0) }, { url: url(1) }, { url: url(2) }] }),
    requests: () => clients, via: ['random'], down: [2],
  },
  {
    title: 'sticky cookie: the server it names, else the rotation',
    config: () => ({ sticky: { cookie: { name: 'lb' } }, servers: [{ url: url(0) }, { url: url(1) }, { url: url(2) }] }),
    requests: () => [{ headers: ['Cookie', `lb=${sha16(url(1))}`] }, {}, { headers: ['Cookie', `lb=${sha16(url(2))}`] }, { headers: ['Cookie', 'lb=nothing'] }],
    via: ['sticky-cookie', 'rotation'],
  },
  {
    title: 'sticky cookie naming a DOWN server: the rotation',
    config: () => ({ sticky: { cookie: { name: 'lb' } }, servers: [{ url: url(0) }, { url: url(1) }, { url: url(2) }] }),
    requests: () => [{ headers: ['Cookie', `lb=${sha16(url(1))}`] }], via: ['rotation'], down: [1],
  },
  {
    title: 'client-IP affinity: rendezvous hashing on a first visit, the bound server after',
    config: () => ({ sticky: { clientIP: { timeout: '60s' } }, servers: [{ url: url(0) }, { url: url(1) }, { url: url(2) }] }),
    requests: () => [...clients, ...clients], via: ['hash', 'client-ip-affinity'],
  },
];

describe('a loadBalancer explains the server its next request gets, and explaining changes nothing', () => {
  for (const c of cases) {
    test(c.title, async () => {
      const explained = build('app@file', c.config());
      const twin = build('app@file', c.config());
      for (const { health } of [explained, twin]) for (const i of c.down ?? []) health.acquire('app@file', url(i)).set('DOWN', 'test');
      const vias = new Set<ServiceExplanation['via']>();
      for (let round = 0; round < 3; round++) {
        for (const request of c.requests()) {
          const e = explain(explained.service, request);
          assert.deepEqual(explain(explained.service, request), e, 'explaining twice gives the same answer');
          assert.equal(e.available, true);
          vias.add(e.via);
          const reached = await send(explained.service, request);
          const twinReached = await send(twin.service, request);
          if (c.timed !== true) assert.equal(reached, twinReached, 'the same server as a service never explained');
          if (e.via === 'random') {
            assert.equal(e.server, undefined);
            assert.ok(e.candidates?.includes(reached), `${reached} is a candidate`);
          } else {
            assert.equal(e.server, reached, e.decision);
          }
          for (const i of c.down ?? []) assert.notEqual(e.server, url(i), 'a DOWN server is never picked');
        }
      }
      assert.deepEqual([...vias].sort(), [...c.via].sort());
      explained.service.dispose();
      twin.service.dispose();
    });
  }

  test('lists every server with its status and weight, and says 503 when none is UP', () => {
    const { service, health } = build('app@file', { servers: [{ url: url(0), weight: 2 }, { url: url(1), weight: 0 }] });
    health.acquire('app@file', url(0)).set('DOWN', 'test');
    const e = explain(service, {});
    assert.deepEqual(e.servers, [{ url: url(0), status: 'DOWN', weight: 2 }, { url: url(1), status: 'DRAINING', weight: 0 }]);
    assert.equal(e.available, false);
    assert.equal(e.server, undefined);
    assert.match(e.decision, /no server that takes new clients is UP: the client gets 503/);
    service.dispose();
  });

  test('names the sticky cookie, whether it was sent, what it names, and whether the answer sets it', () => {
    const { service } = build('app@file', { sticky: { cookie: { name: 'lb' } }, servers: [{ url: url(0) }, { url: url(1) }] });
    assert.deepEqual(explain(service, { headers: ['Cookie', `lb=${sha16(url(1))}`] }).stickyCookie, { name: 'lb', sent: true, names: url(1), set: false });
    assert.deepEqual(explain(service, { headers: ['Cookie', `lb=${url(1)}`] }).stickyCookie, { name: 'lb', sent: true, names: url(1), set: true }, 'a legacy value is rewritten');
    assert.deepEqual(explain(service, {}).stickyCookie, { name: 'lb', sent: false, set: true });
    service.dispose();
  });

  test('makes no client-IP affinity entry and refreshes none', async () => {
    const { service } = build('app@file', { sticky: { clientIP: { timeout: '60s' } }, servers: [{ url: url(0) }, { url: url(1) }] });
    for (const request of clients) explain(service, request);
    assert.equal((service.details?.() as { affinityEntries: number }).affinityEntries, 0);
    await send(service, clients[0]!);
    assert.equal((service.details?.() as { affinityEntries: number }).affinityEntries, 1);
    service.dispose();
  });
});
