/**
 * Backoff, timeout and a client that leaves, with time on a manual clock: the waits between
 * attempts follow Traefik's progression and are scheduled on the injected clock, `timeout` stops
 * retrying, and a client gone during a wait ends the request.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { retrySchema, type LoadBalancerService, type RetryMiddleware } from '../../config/dynamic.ts';
import { loadBalancerSchema } from '../../config/http-services.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Handler } from '../../lib/exchange.ts';
import { createManualClock, type ManualClock } from '../../lib/manual-clock.ts';
import { createUpstreamPools, defaultTransport, type UpstreamPools } from '../../proxy/upstream-pools.ts';
import type { BuiltService } from '../../services/built-service.ts';
import { createHealthRegistry } from '../../services/health/server-health.ts';
import { createLoadBalancer } from '../../services/load-balancer.ts';
import { createAffinityRegistry } from '../../services/sticky/client-ip-affinity.ts';
import { answerWith, startServer, testExchange, type TestServer } from '../../services/testing/forwarding-rig.ts';
import { testContext } from '../testing/test-context.ts';
import { createRetryFactory, retryDelay } from './retry.ts';

let pools: UpstreamPools;
let server: TestServer;

before(async () => {
  pools = createUpstreamPools();
  server = await startServer(answerWith(503, 'busy'));
});

after(async () => {
  await pools.dispose();
  server.close();
});

/** A manual clock that also records every delay it was asked to wait. */
function recordingClock(): { clock: Clock; manual: ManualClock; delays: number[] } {
  const manual = createManualClock(1_000);
  const delays: number[] = [];
  const clock: Clock = {
    now: () => manual.now(),
    setTimeout: (fn, ms) => {
      delays.push(ms);
      return manual.setTimeout(fn, ms);
    },
    clearTimeout: (handle) => manual.clearTimeout(handle),
  };
  return { clock, manual, delays };
}

function loadBalancer(clock: Clock): BuiltService {
  const config = loadBalancerSchema.parse({ servers: [{ url: server.url }] }) as LoadBalancerService;
  return createLoadBalancer('app@file', config, {
    pools, transport: defaultTransport, notAppendXForwardedFor: false,
    health: createHealthRegistry(clock), affinity: createAffinityRegistry(clock), clock, random: () => 0.5,
  });
}

function retry(clock: Clock, raw: Record<string, unknown>, next: Handler): Handler {
  return createRetryFactory(clock)(retrySchema.parse(raw) as RetryMiddleware, testContext())(next);
}

/** Lets the event loop run until `clock` has a timer waiting (bounded). */
async function untilWaiting(clock: ManualClock): Promise<void> {
  for (let i = 0; i < 100_000 && clock.pending() === 0; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(clock.pending(), 1, 'a retry is waiting on the clock');
}

test('retryDelay grows from initialInterval to twice it over the attempts', () => {
  const cases: [initial: number, attempts: number, delays: number[]][] = [
    [100, 4, [100, 126, 159]],
    [100, 2, [100]],
    [1000, 3, [1000, 1414]],
    [0, 4, [0, 0, 0]],
  ];
  for (const [initial, attempts, delays] of cases) {
    assert.deepEqual(delays.map((_, i) => retryDelay(initial, attempts, i + 1)), delays, `${initial}ms × ${attempts}`);
  }
});

test('waits between attempts are scheduled on the clock and nothing is sent before they elapse', async () => {
  const { clock, manual, delays } = recordingClock();
  const lb = loadBalancer(clock);
  const before = server.seen.length;
  const t = testExchange();
  void retry(clock, { attempts: 4, initialInterval: '100ms', status: ['503'] }, lb.handler)(t.exchange);

  await untilWaiting(manual);
  assert.deepEqual(delays, [100]);
  manual.advance(99);
  assert.equal(manual.pending(), 1);
  assert.equal(server.seen.length - before, 1, 'no second attempt before 100ms');
  manual.advance(1);

  await untilWaiting(manual);
  assert.equal(server.seen.length - before, 2);
  assert.deepEqual(delays, [100, 126]);
  manual.advance(126);

  await untilWaiting(manual);
  assert.deepEqual(delays, [100, 126, 159]);
  manual.advance(159);

  const view = await t.done;
  assert.deepEqual([view.status, view.body], [503, 'busy']);
  assert.equal(server.seen.length - before, 4);
  assert.equal(t.exchange.log.retryAttempts, 3);
  assert.equal(manual.pending(), 0);
  lb.dispose();
});

test('no retry once `timeout` has elapsed since the first attempt', async () => {
  const { clock, manual, delays } = recordingClock();
  const lb = loadBalancer(clock);
  const before = server.seen.length;
  const t = testExchange();
  void retry(clock, { attempts: 5, initialInterval: '600ms', timeout: '1s', status: ['503'] }, lb.handler)(t.exchange);

  await untilWaiting(manual);
  manual.advance(600); // second attempt at +600ms: still within the timeout
  await untilWaiting(manual);
  manual.advance(714); // third attempt at +1314ms: past it, so its answer is final

  const view = await t.done;
  assert.deepEqual(delays, [600, 714]);
  assert.equal(view.status, 503);
  assert.equal(server.seen.length - before, 3);
  assert.equal(t.exchange.log.retryAttempts, 2);
  lb.dispose();
});

test('a client that leaves during a wait ends the request: no more attempts', async () => {
  const { clock, manual } = recordingClock();
  const lb = loadBalancer(clock);
  const before = server.seen.length;
  const t = testExchange();
  void retry(clock, { attempts: 3, initialInterval: '1s', status: ['503'] }, lb.handler)(t.exchange);

  await untilWaiting(manual);
  t.goAway();
  const view = await t.done;
  assert.equal(view.destroyed, true);
  assert.equal(view.status, 0, 'nothing was written to the client');
  assert.equal(t.exchange.log.downstreamStatus, 499);
  assert.equal(manual.pending(), 0, 'the wait was cancelled');
  manual.advance(10_000);
  assert.equal(server.seen.length - before, 1);
  lb.dispose();
});
