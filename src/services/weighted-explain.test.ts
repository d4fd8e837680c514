/**
 * explain() of the weighted and highestRandomWeight services against their real handlers: the
 * child explain names is the child the next request reaches, the child explains itself below,
 * and explaining changes nothing (a twin service that was never asked sends the same sequence).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ExplainChild, ServiceExplanation } from '../config/explain-view.ts';
import { highestRandomWeightServiceSchema, weightedServiceSchema, type HighestRandomWeightService, type WeightedService } from '../config/http-services.ts';
import { createManualClock } from '../lib/manual-clock.ts';
import { fakeExchange, recordingHandler, type FakeRequest } from '../middlewares/testing/fake-exchange.ts';
import type { BuiltService } from './built-service.ts';
import { createComputedHealthSignal, type ComputedHealthSignal } from './health/health-signal.ts';
import { createAffinityRegistry } from './sticky/client-ip-affinity.ts';
import { createHighestRandomWeight, createWeighted, type ChildService } from './weighted.ts';

const sha16 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** Children explain themselves as a leaf that is available unless its name says otherwise. */
const explainChild: ExplainChild = (name) => ({ name: `${name}@file`, type: 'internal', decision: `${name} answers`, available: !name.startsWith('dead') });

async function reach(service: BuiltService, request: FakeRequest): Promise<{ status: number; body: string }> {
  const ex = fakeExchange(request);
  await service.handler(ex);
  const sent = await ex.done;
  return { status: sent.status, body: sent.body };
}

function explain(service: BuiltService, request: FakeRequest): ServiceExplanation {
  assert.ok(service.explain !== undefined);
  return service.explain(fakeExchange(request).request, explainChild);
}

interface Health {
  up: boolean;
  readonly signal: ComputedHealthSignal;
}

function health(): Health {
  const h = { up: true } as Health;
  (h as { signal: ComputedHealthSignal }).signal = createComputedHealthSignal(() => h.up);
  return h;
}

interface Case {
  readonly title: string;
  /** A fresh service (twins share nothing). */
  readonly make: () => { service: BuiltService; down?: () => void };
  readonly requests: readonly FakeRequest[];
  readonly via: readonly ServiceExplanation['via'][];
}

const weighted = (raw: Record<string, unknown>): WeightedService => weightedServiceSchema.parse(raw) as WeightedService;
const children = (spec: Record<string, number>, signals?: Record<string, Health>): ChildService[] =>
  Object.entries(spec).map(([name, weight]) => ({ name, weight, handler: recordingHandler({ body: name }), health: signals?.[name]?.signal ?? null }));
const clients: FakeRequest[] = ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((ip) => ({ remoteAddress: ip }));

const cases: readonly Case[] = [
  {
    title: 'weighted: the next child in the rotation',
    make: () => ({ service: createWeighted('canary@file', weighted({}), children({ v1: 1, v2: 2, v3: 0 })) }),
    requests: clients, via: ['rotation'],
  },
  {
    title: 'weighted with a sticky cookie: the child it names, a draining one included',
    make: () => ({ service: createWeighted('canary@file', weighted({ sticky: { cookie: { name: 'lvl1' } } }), children({ v1: 1, v2: 2, old: 0 })) }),
    requests: [{ headers: ['Cookie', `lvl1=${sha16('old')}`] }, {}, { headers: ['Cookie', `lvl1=${sha16('v1')}`] }, { headers: ['Cookie', 'lvl1=v2'] }],
    via: ['sticky-cookie', 'rotation'],
  },
  {
    title: 'weighted with healthCheck: {}: a DOWN child is passed over, even when the cookie names it',
    make: () => {
      const signals = { a: health(), b: health(), c: health() };
      const service = createWeighted('hc@file', weighted({ healthCheck: {}, sticky: { cookie: { name: 'c' } } }), children({ a: 1, b: 1, c: 1 }, signals));
      return {
        service,
        down: () => {
          signals.a.up = false;
          signals.a.signal.recheck();
        },
      };
    },
    requests: [{}, { headers: ['Cookie', `c=${sha16('a')}`] }, {}], via: ['rotation'],
  },
  {
    title: 'weighted with client-IP affinity: rendezvous hashing first, the bound child after',
    make: () => ({ service: createWeighted('ip@file', weighted({ sticky: { clientIP: { timeout: '10s' } } }), children({ v1: 1, v2: 1, v3: 1 }), createAffinityRegistry(createManualClock(0))) }),
    requests: [...clients, ...clients], via: ['hash', 'client-ip-affinity'],
  },
  {
    title: 'highestRandomWeight: the rendezvous choice for the client IP',
    make: () => ({
      service: createHighestRandomWeight('hrw@file', highestRandomWeightServiceSchema.parse({}) as HighestRandomWeightService, children({ a: 1, b: 2, c: 1 })),
    }),
    requests: clients, via: ['hash'],
  },
];

describe('weighted services explain the child their next request gets, and explaining changes nothing', () => {
  for (const c of cases) {
    test(c.title, async () => {
      const explained = c.make();
      const twin = c.make();
      explained.down?.();
      twin.down?.();
      const vias = new Set<ServiceExplanation['via']>();
      for (let round = 0; round < 3; round++) {
        for (const request of c.requests) {
          const e = explain(explained.service, request);
          assert.deepEqual(explain(explained.service, request), e, 'explaining twice gives the same answer');
          vias.add(e.via);
          const reached = await reach(explained.service, request);
          assert.deepEqual(reached, await reach(twin.service, request), 'the same child as a service never explained');
          assert.equal(e.child?.name, `${reached.body}@file`, e.decision);
          assert.deepEqual(e.children?.filter((x) => x.chosen).map((x) => x.name), [reached.body]);
          assert.equal(e.available, true);
        }
      }
      assert.deepEqual([...vias].sort(), [...c.via].sort());
    });
  }

  test('lists the children with weight and status, and is unavailable when the chosen child is', () => {
    const signals = { a: health(), dead: health() };
    const service = createWeighted('p@file', weighted({ healthCheck: {} }), children({ a: 1, dead: 3 }, signals));
    const e = explain(service, {});
    assert.equal(e.type, 'weighted');
    assert.deepEqual(e.children, [{ name: 'a', weight: 1, chosen: false, status: 'UP' }, { name: 'dead', weight: 3, chosen: true, status: 'UP' }]);
    assert.equal(e.available, false, 'the child it would send to has nothing usable');
    signals.a.up = false;
    signals.a.signal.recheck();
    signals.dead.up = false;
    signals.dead.signal.recheck();
    const none = explain(service, {});
    assert.equal(none.child, undefined);
    assert.equal(none.available, false);
    assert.match(none.decision, /no child that takes new clients is UP: the client gets 503/);
  });

  test('makes no client-IP affinity entry', async () => {
    const service = createWeighted('ip@file', weighted({ sticky: { clientIP: { timeout: '10s' } } }), children({ v1: 1, v2: 1 }), createAffinityRegistry(createManualClock(0)));
    for (const request of clients) explain(service, request);
    assert.equal((service.details?.() as { affinityEntries: number }).affinityEntries, 0);
    await reach(service, clients[0]!);
    assert.equal((service.details?.() as { affinityEntries: number }).affinityEntries, 1);
  });
});
