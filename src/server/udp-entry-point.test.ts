/**
 * The UDP entry point on real loopback datagram sockets: sessions per client address, replies
 * from the entry point's socket, round robin across servers, idle expiry on a manual clock, and
 * sessions across handler swaps.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createSocket, type Socket } from 'node:dgram';
import { createManualClock } from '../lib/manual-clock.ts';
import type { BuiltUdpService } from '../services/udp/built-udp-service.ts';
import { createUdpLoadBalancer } from '../services/udp/udp-load-balancer.ts';
import { createUdpEntryPoint, type UdpEntryPoint, type UdpRoute } from './udp-entry-point.ts';

const sockets: Socket[] = [];
const entryPoints: UdpEntryPoint[] = [];
after(async () => {
  for (const ep of entryPoints) await ep.close();
  for (const s of sockets) s.close();
});

/** A UDP server answering `<name>:<datagram>` to whoever sent it. */
async function udpServer(name: string): Promise<string> {
  const s = createSocket('udp4');
  sockets.push(s);
  s.on('message', (msg, from) => s.send(`${name}:${msg.toString()}`, from.port, from.address));
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return `127.0.0.1:${s.address().port}`;
}

async function client(): Promise<Socket> {
  const s = createSocket('udp4');
  sockets.push(s);
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return s;
}

/** Sends `text` to the entry point and resolves with the first reply. */
async function ask(c: Socket, port: number, text: string): Promise<string> {
  const reply = once(c, 'message');
  c.send(text, port, '127.0.0.1');
  const [msg] = (await reply) as [Buffer];
  return msg.toString();
}

function route(service: BuiltUdpService, serviceName = 'dns@file'): UdpRoute {
  return { routerName: 'r@file', serviceName, service };
}

async function entryPoint(timeoutMs = 3_000, onDropped?: (client: string, reason: string) => void) {
  const clock = createManualClock();
  const ep = createUdpEntryPoint({ name: 'dns', host: '127.0.0.1', port: 0, clock, timeoutMs, ...(onDropped ? { onDropped } : {}) });
  entryPoints.push(ep);
  const { port } = await ep.listen();
  return { ep, port, clock };
}

test('datagrams from two clients reach their servers and replies come back to each client', async () => {
  const a = await udpServer('a');
  const b = await udpServer('b');
  const { ep, port } = await entryPoint();
  ep.setHandler(route(createUdpLoadBalancer({ servers: [{ address: a }, { address: b }] })));
  const one = await client();
  const two = await client();
  assert.equal(await ask(one, port, 'q1'), 'a:q1', 'the first session takes the first server');
  assert.equal(await ask(two, port, 'q2'), 'b:q2', 'the next session takes the next server');
  assert.equal(await ask(one, port, 'q3'), 'a:q3', 'a client stays on its session\'s server');
  assert.equal(await ask(two, port, 'q4'), 'b:q4');
  assert.equal(ep.sessionCount(), 2);
});

test('new sessions go round robin over the servers', async () => {
  const a = await udpServer('a');
  const b = await udpServer('b');
  const { ep, port } = await entryPoint();
  ep.setHandler(route(createUdpLoadBalancer({ servers: [{ address: a }, { address: b }] })));
  const answers: string[] = [];
  for (let i = 0; i < 4; i++) answers.push((await ask(await client(), port, 'x')).slice(0, 1));
  assert.deepEqual(answers, ['a', 'b', 'a', 'b']);
});

test('a session idle for the timeout is closed; the client\'s next datagram starts a new one', async () => {
  const a = await udpServer('a');
  const b = await udpServer('b');
  const { ep, port, clock } = await entryPoint(3_000);
  ep.setHandler(route(createUdpLoadBalancer({ servers: [{ address: a }, { address: b }] })));
  const c = await client();
  assert.equal(await ask(c, port, 'one'), 'a:one');
  clock.advance(2_000);
  assert.equal(await ask(c, port, 'two'), 'a:two', 'traffic keeps the session alive');
  clock.advance(2_999);
  assert.equal(ep.sessionCount(), 1);
  clock.advance(1);
  assert.equal(ep.sessionCount(), 0);
  assert.equal(await ask(c, port, 'three'), 'b:three', 'a new session picks the next server');
});

test('a handler swap keeps a session whose service still has its server, and closes the others', async () => {
  const a = await udpServer('a');
  const b = await udpServer('b');
  const c1 = await client();
  const c2 = await client();
  const { ep, port } = await entryPoint();
  ep.setHandler(route(createUdpLoadBalancer({ servers: [{ address: a }, { address: b }] })));
  assert.equal(await ask(c1, port, 'x'), 'a:x');
  assert.equal(await ask(c2, port, 'x'), 'b:x');
  // Reload: the same service, its servers listed the other way round.
  ep.setHandler(route(createUdpLoadBalancer({ servers: [{ address: b }, { address: a }] })));
  assert.equal(ep.sessionCount(), 2, 'both servers are still in the service: both sessions kept');
  assert.equal(await ask(c1, port, 'y'), 'a:y', 'the session survived the swap on its server');
  ep.setHandler(route(createUdpLoadBalancer({ servers: [{ address: b }] })));
  assert.equal(ep.sessionCount(), 1, 'the session on a server that left the service is closed');
  assert.equal(await ask(c2, port, 'z'), 'b:z');
  assert.equal(await ask(c1, port, 'z'), 'b:z', 'its client starts a new session');
  ep.setHandler(route(createUdpLoadBalancer({ servers: [{ address: b }] }), 'other@file'));
  assert.equal(ep.sessionCount(), 0, 'another service: every session is closed');
});

test('without a route, or with no server to pick, datagrams are dropped', async () => {
  let dropped: (reason: string) => void = () => undefined;
  const { ep, port } = await entryPoint(3_000, (_client, reason) => dropped(reason));
  const drop = () => new Promise<string>((r) => (dropped = r));
  const c = await client();
  let reason = drop();
  c.send('lost', port, '127.0.0.1');
  assert.equal(await reason, 'no route');
  ep.setHandler(route(createUdpLoadBalancer({ servers: [] })));
  reason = drop();
  c.send('lost too', port, '127.0.0.1');
  assert.equal(await reason, 'no server');
  // A datagram sent after those is answered: the entry point kept working.
  const a = await udpServer('a');
  ep.setHandler(route(createUdpLoadBalancer({ servers: [{ address: a }] })));
  assert.equal(await ask(c, port, 'found'), 'a:found');
  assert.equal(ep.sessionCount(), 1);
});

test('shutdown drops new clients at once and lets open sessions run until they go idle', async () => {
  const a = await udpServer('a');
  let dropped: (reason: string) => void = () => undefined;
  const clock = createManualClock();
  const ep = createUdpEntryPoint({ name: 'dns', host: '127.0.0.1', port: 0, clock, timeoutMs: 3_000, onDropped: (_c, r) => dropped(r) });
  entryPoints.push(ep);
  const { port } = await ep.listen();
  ep.setHandler(route(createUdpLoadBalancer({ servers: [{ address: a }] })));
  const old = await client();
  assert.equal(await ask(old, port, 'before'), 'a:before');
  let stopped = false;
  const stopping = ep.shutdown(10_000).then(() => (stopped = true));
  assert.equal(await ask(old, port, 'during'), 'a:during', 'an open session still works');
  const reason = new Promise<string>((r) => (dropped = r));
  (await client()).send('new', port, '127.0.0.1');
  assert.equal(await reason, 'stopping');
  clock.advance(2_999);
  assert.equal(stopped, false);
  clock.advance(1);
  await stopping;
  assert.equal(ep.sessionCount(), 0);
});

test('a timeout of zero is refused with the field named', () => {
  assert.throws(() => createUdpEntryPoint({ name: 'dns', host: '127.0.0.1', port: 0, clock: createManualClock(), timeoutMs: 0 }),
    /entryPoints\.dns\.udp\.timeout must be greater than zero/);
});
