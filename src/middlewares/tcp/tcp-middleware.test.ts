/**
 * TCP middlewares on real loopback sockets: a listener hands each accepted socket to the
 * middleware chain in front of an echo handler; clients connect from chosen 127.0.0.x sources.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tcpMiddlewareSchema } from '../../config/tcp.ts';
import type { TcpConnection, TcpHandler } from '../../lib/tcp-connection.ts';
import { MiddlewareConfigError } from '../middleware.ts';
import { buildTcpMiddleware } from './tcp-middleware.ts';

const echo: TcpHandler = (c) => c.socket.pipe(c.socket);

function connection(socket: Socket): TcpConnection {
  const address = socket.remoteAddress ?? '';
  return {
    remoteAddress: address.startsWith('::ffff:') ? address.slice(7) : address,
    remotePort: socket.remotePort ?? 0,
    localAddress: socket.localAddress ?? '',
    localPort: socket.localPort ?? 0,
    socket,
    close: () => socket.destroy(),
    onClose: (listener) => void socket.once('close', listener),
  };
}

let server: Server;
let port = 0;
let handler: TcpHandler = echo;

before(async () => {
  server = createServer((socket) => handler(connection(socket)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
});

after(() => server.close());

function use(raw: Record<string, unknown>): void {
  handler = buildTcpMiddleware(tcpMiddlewareSchema.parse(raw))(echo);
}

/** Connects from `source`; resolves with what was echoed, or 'closed' when the proxy closed first. */
async function exchange(source: string, keepOpen = false): Promise<{ result: string; socket: Socket }> {
  const socket = connect({ host: '127.0.0.1', port, localAddress: source });
  await once(socket, 'connect');
  socket.write('ping');
  const result = await new Promise<string>((resolve) => {
    socket.once('data', (d) => resolve(String(d)));
    socket.once('close', () => resolve('closed'));
  });
  if (!keepOpen) socket.destroy();
  return { result, socket };
}

test('ipAllowList: addresses in sourceRange get through, others are closed without a byte', async () => {
  use({ ipAllowList: { sourceRange: ['127.0.0.2/32', '127.0.1.0/24'] } });
  assert.equal((await exchange('127.0.0.2')).result, 'ping');
  assert.equal((await exchange('127.0.1.9')).result, 'ping');
  assert.equal((await exchange('127.0.0.3')).result, 'closed');
});

test('ipWhiteList is the same middleware under its old name', async () => {
  use({ ipWhiteList: { sourceRange: ['127.0.0.4'] } });
  assert.equal((await exchange('127.0.0.4')).result, 'ping');
  assert.equal((await exchange('127.0.0.5')).result, 'closed');
});

test('inFlightConn: one connection over `amount` per client IP is closed; closing one frees a place', async () => {
  use({ inFlightConn: { amount: 2 } });
  const a = await exchange('127.0.0.6', true);
  const b = await exchange('127.0.0.6', true);
  assert.deepEqual([a.result, b.result], ['ping', 'ping']);
  assert.equal((await exchange('127.0.0.6')).result, 'closed');
  assert.equal((await exchange('127.0.0.7')).result, 'ping', 'other clients have their own count');
  a.socket.destroy();
  await once(a.socket, 'close');
  // The proxy side sees the close a moment later: wait for the place to be free.
  let again = await exchange('127.0.0.6', true);
  for (let i = 0; i < 50 && again.result === 'closed'; i++) again = await exchange('127.0.0.6', true);
  assert.equal(again.result, 'ping');
  b.socket.destroy();
  again.socket.destroy();
});

test('a malformed range in a TCP ipAllowList is a configuration error naming the field', () => {
  // The schema already rejects it; the factory refuses it too if it gets through.
  assert.throws(
    () => buildTcpMiddleware({ kind: 'ipAllowList', ipAllowList: { sourceRange: ['10.0.0.0/8', '300.1.2.3'] } }),
    (err: unknown) => err instanceof MiddlewareConfigError && err.code === 'MIDDLEWARE_INVALID_CIDR' && err.field === 'sourceRange[1]',
  );
});

test('a TCP ipAllowList with an empty sourceRange is refused, as Traefik refuses it, instead of closing every connection', () => {
  assert.throws(
    () => buildTcpMiddleware({ kind: 'ipAllowList', ipAllowList: { sourceRange: [] } }),
    (err: unknown) => err instanceof MiddlewareConfigError && err.code === 'MIDDLEWARE_INVALID_VALUE' && err.field === 'sourceRange',
  );
});
