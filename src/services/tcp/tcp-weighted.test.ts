/**
 * TCP loadBalancer and weighted services through real loopback servers that answer with their
 * name: the GCD round robin sequences, nesting, and what happens with nothing to pick.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { tcpServiceSchema, type TcpLoadBalancerService, type TcpWeightedService } from '../../config/tcp.ts';
import { createManualClock } from '../../lib/manual-clock.ts';
import { createHealthRegistry } from '../health/server-health.ts';
import type { BuiltTcpService } from './built-tcp-service.ts';
import { L4ServiceConfigError } from './l4-service-error.ts';
import type { TcpDialSettings } from './tcp-dial.ts';
import { createTcpLoadBalancer } from './tcp-load-balancer.ts';
import { createTcpWeighted, type TcpChildService } from './tcp-weighted.ts';
import { exchange, listenFront, nameServer, type Listening } from './testing/tcp-rig.ts';

const clock = createManualClock();
const health = createHealthRegistry(clock);
const settings: TcpDialSettings = { name: 'test', dialTimeoutMs: 0, dialKeepAliveMs: 0, terminationDelayMs: 100, proxyProtocol: null, tls: null };
const open: Listening[] = [];
const built: BuiltTcpService[] = [];
after(async () => {
  for (const b of built) b.dispose();
  for (const l of open) await l.close();
});

const servers = new Map<string, number>();
async function portOf(name: string): Promise<number> {
  let port = servers.get(name);
  if (port === undefined) {
    const s = await nameServer(name);
    open.push(s);
    servers.set(name, (port = s.port));
  }
  return port;
}

function lbConfig(raw: unknown): TcpLoadBalancerService {
  const parsed = tcpServiceSchema.parse({ loadBalancer: raw });
  assert.equal(parsed.kind, 'loadBalancer');
  return (parsed as { loadBalancer: TcpLoadBalancerService }).loadBalancer;
}

function weightedConfig(raw: unknown): TcpWeightedService {
  return (tcpServiceSchema.parse({ weighted: raw }) as { weighted: TcpWeightedService }).weighted;
}

async function lb(...names: string[]): Promise<BuiltTcpService> {
  const addresses = await Promise.all(names.map(async (n) => ({ address: `127.0.0.1:${await portOf(n)}` })));
  const b = createTcpLoadBalancer(`lb-${names.join('-')}@test`, lbConfig({ servers: addresses }), { settings, health, clock });
  built.push(b);
  return b;
}

function weighted(name: string, children: readonly (readonly [BuiltTcpService, number])[]): BuiltTcpService {
  const config = weightedConfig({ services: children.map(([, weight], i) => ({ name: `child${i}`, weight })) });
  const list: TcpChildService[] = children.map(([svc, weight], i) => ({ name: `child${i}`, weight, handler: svc.handler, health: svc.health }));
  const b = createTcpWeighted(name, config, list);
  built.push(b);
  return b;
}

/** The names answering `count` connections made one after another through `service`. */
async function sequence(service: BuiltTcpService, count: number): Promise<string> {
  const front = await listenFront(() => service.handler);
  open.push(front);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push((await exchange(front.port)).data || '-');
  return out.join(' ');
}

test('a loadBalancer rotates over its servers in configuration order', async () => {
  assert.equal(await sequence(await lb('a', 'b', 'c'), 6), 'a b c a b c');
});

test('weighted 3:1 through real servers goes a a a b (GCD round robin)', async () => {
  const svc = weighted('canary@test', [[await lb('a'), 3], [await lb('b'), 1]]);
  assert.equal(await sequence(svc, 8), 'a a a b a a a b');
});

test('weighted services nest: each level keeps its own round robin', async () => {
  const inner = weighted('inner@test', [[await lb('a'), 1], [await lb('b'), 1]]);
  const outer = weighted('outer@test', [[inner, 1], [await lb('c'), 1]]);
  assert.equal(await sequence(outer, 8), 'a c b c a c b c');
});

test('a child with weight 0 gets no connection; with nothing to pick the connection is closed', async () => {
  const svc = weighted('zero@test', [[await lb('a'), 0], [await lb('b'), 2]]);
  assert.equal(await sequence(svc, 3), 'b b b');
  assert.equal(await sequence(weighted('none@test', [[await lb('a'), 0]]), 1), '-');
  assert.equal(await sequence(await lb(), 1), '-', 'a loadBalancer without servers closes the connection');
});

test('weighted with healthCheck: {} refuses a child that reports no health, as Traefik does', async () => {
  const child = await lb('a');
  assert.throws(
    () => createTcpWeighted('hc@test', weightedConfig({ services: [{ name: 'a' }], healthCheck: {} }),
      [{ name: 'a', weight: 1, handler: child.handler, health: child.health }]),
    (err: unknown) => err instanceof L4ServiceConfigError && err.code === 'SERVICE_CHILD_NOT_HEALTH_AWARE' && err.field === 'healthCheck',
  );
});

test('a server address that is not host:port is a configuration error naming the server', () => {
  assert.throws(
    () => createTcpLoadBalancer('bad@test', lbConfig({ servers: [{ address: '127.0.0.1:1' }, { address: 'db.internal' }] }), { settings, health, clock }),
    (err: unknown) => err instanceof L4ServiceConfigError && err.code === 'SERVICE_SERVER_ADDRESS_INVALID' && err.field === 'servers[1].address'
      && /missing port/.test(err.message),
  );
});
