/**
 * Active TCP health checks on a manual clock against real loopback servers: a server that
 * answers `PING` with `PONG` while healthy and `FAIL` otherwise, and its name to anything else.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { tcpServiceSchema, type TcpLoadBalancerService, type TcpWeightedService } from '../../config/tcp.ts';
import { createManualClock } from '../../lib/manual-clock.ts';
import { createHealthRegistry } from '../health/server-health.ts';
import type { BuiltTcpService } from './built-tcp-service.ts';
import type { TcpDialSettings } from './tcp-dial.ts';
import { createTcpLoadBalancer, type TcpLoadBalancerDeps } from './tcp-load-balancer.ts';
import { createTcpWeighted } from './tcp-weighted.ts';
import { exchange, listen, listenFront, type Listening } from './testing/tcp-rig.ts';

const settings: TcpDialSettings = { name: 'test', dialTimeoutMs: 0, dialKeepAliveMs: 0, terminationDelayMs: 100, proxyProtocol: null, tls: null };
const open: Listening[] = [];
const built: BuiltTcpService[] = [];
after(async () => {
  for (const b of built) b.dispose();
  for (const l of open) await l.close();
});

interface Checked {
  readonly address: string;
  healthy: boolean;
}

/** A server that answers health probes as `healthy` says, and its name otherwise. */
async function checkedServer(name: string): Promise<Checked> {
  const state = { address: '', healthy: true };
  const l = await listen((s) => {
    let got = '';
    s.on('data', (c: Buffer) => {
      got += c.toString();
      if (got === 'PING') s.end(state.healthy ? 'PONG' : 'FAIL');
    });
    s.once('end', () => {
      if (!s.writableEnded) s.end(name);
    });
  });
  open.push(l);
  state.address = `127.0.0.1:${l.port}`;
  return state;
}

function lbConfig(raw: unknown): TcpLoadBalancerService {
  return (tcpServiceSchema.parse({ loadBalancer: raw }) as { loadBalancer: TcpLoadBalancerService }).loadBalancer;
}

/** A rig: a clock, a registry, and probe results to wait on. */
function rig() {
  const clock = createManualClock();
  const health = createHealthRegistry(clock);
  const results: { address: string; ok: boolean; reason: string }[] = [];
  let waiters: (() => void)[] = [];
  const deps: TcpLoadBalancerDeps = {
    settings, health, clock,
    onProbe: (_service, address, ok, reason) => {
      results.push({ address, ok, reason });
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    },
  };
  /** Resolves once `count` more probes have completed (bounded by the probes a test starts). */
  const probes = async (count: number): Promise<void> => {
    const target = results.length + count;
    while (results.length < target) await new Promise<void>((r) => waiters.push(r));
  };
  const loadBalancer = (name: string, servers: readonly Checked[], healthCheck: Record<string, unknown> = {}): BuiltTcpService => {
    const b = createTcpLoadBalancer(name, lbConfig({
      servers: servers.map((s) => ({ address: s.address })),
      healthCheck: { interval: '10s', send: 'PING', expect: 'PONG', ...healthCheck },
    }), deps);
    built.push(b);
    return b;
  };
  return { clock, health, results, probes, loadBalancer, deps };
}

async function sequence(service: BuiltTcpService, count: number): Promise<string> {
  const front = await listenFront(() => service.handler);
  open.push(front);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push((await exchange(front.port)).data || '-');
  return out.join(' ');
}

test('servers start UP and are first probed one interval later', async () => {
  const { clock, results, probes, loadBalancer } = rig();
  const a = await checkedServer('a');
  const svc = loadBalancer('first@test', [a]);
  assert.deepEqual(svc.serverStatus(), { [a.address]: 'UP' });
  clock.advance(9_999);
  assert.equal(results.length, 0);
  clock.advance(1);
  await probes(1);
  assert.deepEqual(results.map((r) => r.ok), [true]);
});

test('a failing check takes a server out of the rotation, a passing one brings it back', async () => {
  const { clock, probes, loadBalancer } = rig();
  const a = await checkedServer('a');
  const b = await checkedServer('b');
  const svc = loadBalancer('app@test', [a, b], { unhealthyInterval: '2s' });
  assert.equal(await sequence(svc, 2), 'a b');

  b.healthy = false;
  clock.advance(10_000);
  await probes(2);
  assert.deepEqual(svc.serverStatus(), { [a.address]: 'UP', [b.address]: 'DOWN' });
  assert.equal(await sequence(svc, 3), 'a a a');

  b.healthy = true;
  // DOWN servers are probed every unhealthyInterval.
  clock.advance(2_000);
  await probes(1);
  assert.deepEqual(svc.serverStatus(), { [a.address]: 'UP', [b.address]: 'UP' });
  assert.deepEqual((await sequence(svc, 4)).split(' ').sort(), ['a', 'a', 'b', 'b']);
});

test('with every server DOWN the connection is closed and the service reports down', async () => {
  const { clock, probes, loadBalancer } = rig();
  const a = await checkedServer('a');
  a.healthy = false;
  const svc = loadBalancer('down@test', [a]);
  assert.equal(svc.health!.isUp(), true);
  clock.advance(10_000);
  await probes(1);
  assert.equal(svc.health!.isUp(), false);
  assert.equal(await sequence(svc, 1), '-');
});

test('a probe that gets no answer within timeout fails, on the clock', async () => {
  const { clock, probes, results, loadBalancer } = rig();
  const silent = await listen(() => undefined);
  open.push(silent);
  const svc = loadBalancer('silent@test', [{ address: `127.0.0.1:${silent.port}`, healthy: true }], { timeout: '3s' });
  clock.advance(10_000);
  clock.advance(3_000);
  await probes(1);
  assert.match(results[0]!.reason, /timed out after 3s/);
  assert.equal(Object.values(svc.serverStatus()!)[0], 'DOWN');
});

test('`port` sends the probe to another port of the server', async () => {
  const { clock, probes, results, loadBalancer } = rig();
  const a = await checkedServer('a');
  const gone = await listen(() => undefined);
  const closedPort = gone.port;
  await gone.close();
  const svc = loadBalancer('port@test', [a], { port: closedPort });
  clock.advance(10_000);
  await probes(1);
  assert.match(results[0]!.reason, new RegExp(`127\\.0\\.0\\.1:${closedPort}`));
  assert.equal(svc.serverStatus()![a.address], 'DOWN');
});

test('weighted with healthCheck: {} skips a child with no server UP and reports down when no child is up', async () => {
  const { clock, probes, loadBalancer } = rig();
  const a = await checkedServer('a');
  const b = await checkedServer('b');
  const lbA = loadBalancer('a@test', [a]);
  const lbB = loadBalancer('b@test', [b]);
  const config = (tcpServiceSchema.parse({ weighted: { services: [{ name: 'a' }, { name: 'b' }], healthCheck: {} } }) as { weighted: TcpWeightedService }).weighted;
  const svc = createTcpWeighted('canary@test', config, [
    { name: 'a', weight: 1, handler: lbA.handler, health: lbA.health },
    { name: 'b', weight: 1, handler: lbB.handler, health: lbB.health },
  ]);
  built.push(svc);
  const changes: boolean[] = [];
  svc.health!.subscribe((up) => changes.push(up));

  a.healthy = false;
  clock.advance(10_000);
  await probes(2);
  assert.equal(await sequence(svc, 3), 'b b b');
  assert.equal(svc.health!.isUp(), true);

  b.healthy = false;
  clock.advance(10_000);
  await probes(2);
  assert.equal(svc.health!.isUp(), false);
  assert.deepEqual(changes, [false]);
  assert.equal(await sequence(svc, 1), '-');
});

test('a reload keeps health: a load balancer rebuilt on the same registry keeps the server DOWN', async () => {
  const { clock, probes, loadBalancer } = rig();
  const a = await checkedServer('a');
  const b = await checkedServer('b');
  a.healthy = false;
  const before = loadBalancer('kept@test', [a, b]);
  clock.advance(10_000);
  await probes(2);
  const afterReload = loadBalancer('kept@test', [a, b]);
  before.dispose();
  assert.deepEqual(afterReload.serverStatus(), { [a.address]: 'DOWN', [b.address]: 'UP' });
  assert.equal(await sequence(afterReload, 2), 'b b');
});
