/**
 * Health-based failover on real servers through the real proxy: main while it is UP, the
 * fallback while it is DOWN, back to main when it recovers, 503 with both DOWN; the failover's
 * own health and the build refusal for a main that reports no health.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { failoverServiceSchema } from '../../config/http-services.ts';
import type { FailoverService } from '../../config/dynamic.ts';
import { createManualClock } from '../../lib/manual-clock.ts';
import { createUpstreamPools, type UpstreamPools } from '../../proxy/upstream-pools.ts';
import type { BuiltService } from '../built-service.ts';
import { createComputedHealthSignal, type ComputedHealthSignal } from '../health/health-signal.ts';
import { createFailover, FailoverBuildError } from './failover.ts';
import { answerWith, headerOf, loadBalancer, startServer, testExchange, type TestServer } from '../testing/forwarding-rig.ts';

const clock = createManualClock(1_000);
let pools: UpstreamPools;
let mainServer: TestServer;
let fallbackServer: TestServer;

before(async () => {
  pools = createUpstreamPools();
  mainServer = await startServer(answerWith(200, 'from main'));
  fallbackServer = await startServer(answerWith(200, 'from fallback'));
});

after(async () => {
  await pools.dispose();
  mainServer.close();
  fallbackServer.close();
});

/** A child service on a real server whose health the test sets by hand. */
interface Child {
  readonly service: BuiltService;
  readonly signal: ComputedHealthSignal;
  set(up: boolean): void;
}

function child(name: string, server: TestServer): Child {
  let up = true;
  const signal = createComputedHealthSignal(() => up);
  const service = { ...loadBalancer(name, [server.url], pools, clock), health: signal };
  return {
    service,
    signal,
    set(value) {
      up = value;
      signal.recheck();
    },
  };
}

function failoverConfig(raw: Record<string, unknown>): FailoverService {
  return failoverServiceSchema.parse({ service: 'main', fallback: 'backup', ...raw }) as FailoverService;
}

async function get(service: BuiltService): Promise<{ status: number; body: string; contentType: string | undefined }> {
  const t = testExchange();
  await service.handler(t.exchange);
  const view = await t.done;
  return { status: view.status, body: view.body, contentType: headerOf(view.headers, 'content-type') };
}

test('serves from main while it is UP, from the fallback while it is DOWN, and from main again once it recovers', async () => {
  const main = child('main@file', mainServer);
  const backup = child('backup@file', fallbackServer);
  const failover = createFailover('ha@file', failoverConfig({}), { main: main.service, fallback: backup.service, clock });

  assert.equal((await get(failover)).body, 'from main');
  main.set(false);
  assert.equal((await get(failover)).body, 'from fallback');
  assert.equal((await get(failover)).body, 'from fallback');
  main.set(true);
  assert.equal((await get(failover)).body, 'from main');
  failover.dispose();
});

test('a fallback that reports no health is always UP', async () => {
  const main = child('main@file', mainServer);
  const backup = loadBalancer('backup@file', [fallbackServer.url], pools, clock);
  const failover = createFailover('ha@file', failoverConfig({}), { main: main.service, fallback: backup, clock });
  main.set(false);
  assert.equal((await get(failover)).body, 'from fallback');
  failover.dispose();
});

test('answers 503 Service Unavailable when main and fallback are both DOWN', async () => {
  const main = child('main@file', mainServer);
  const backup = child('backup@file', fallbackServer);
  const failover = createFailover('ha@file', failoverConfig({}), { main: main.service, fallback: backup.service, clock });
  const before = fallbackServer.seen.length;
  main.set(false);
  backup.set(false);
  assert.deepEqual(await get(failover), { status: 503, body: 'Service Unavailable\n', contentType: 'text/plain; charset=utf-8' });
  assert.equal(fallbackServer.seen.length, before, 'nothing was forwarded');
  backup.set(true);
  assert.equal((await get(failover)).body, 'from fallback');
  failover.dispose();
});

test('with healthCheck: {} reports UP while main or fallback is UP, and tells its parent when that flips', () => {
  const main = child('main@file', mainServer);
  const backup = child('backup@file', fallbackServer);
  const failover = createFailover('ha@file', failoverConfig({ healthCheck: {} }), { main: main.service, fallback: backup.service, clock });
  const health = failover.health;
  assert.ok(health !== null);
  const seen: boolean[] = [];
  health.subscribe((up) => seen.push(up));

  main.set(false);
  assert.equal(health.isUp(), true);
  backup.set(false);
  assert.equal(health.isUp(), false);
  main.set(true);
  assert.equal(health.isUp(), true);
  assert.deepEqual(seen, [false, true]);

  failover.dispose();
  main.set(false);
  assert.deepEqual(seen, [false, true], 'no notifications after dispose');
});

test('reports no health without healthCheck: {}', () => {
  const main = child('main@file', mainServer);
  const backup = child('backup@file', fallbackServer);
  const failover = createFailover('ha@file', failoverConfig({}), { main: main.service, fallback: backup.service, clock });
  assert.equal(failover.health, null);
  failover.dispose();
});

test('refuses a main that reports no health unless errors.status is set', () => {
  const main = loadBalancer('main@file', [mainServer.url], pools, clock);
  const backup = loadBalancer('backup@file', [fallbackServer.url], pools, clock);
  assert.throws(
    () => createFailover('ha@file', failoverConfig({}), { main, fallback: backup, clock }),
    (err: unknown) => err instanceof FailoverBuildError && err.code === 'SERVICE_NOT_HEALTH_AWARE' && err.field === 'service'
      && err.message.startsWith('child service main@file of ha@file does not report health: enable a health check on it'),
  );
  const byStatus = createFailover('ha@file', failoverConfig({ errors: { status: ['500-504'] } }), { main, fallback: backup, clock });
  assert.equal(byStatus.health, null);
  byStatus.dispose();
  main.dispose();
  backup.dispose();
});
