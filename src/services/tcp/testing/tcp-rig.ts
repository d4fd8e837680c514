/**
 * Test rig for TCP services on real loopback sockets: a front listener that hands each accepted
 * socket to a TcpHandler as a TcpConnection (what the entry point does), servers that say who
 * they are, and a client that sends, half-closes and collects what comes back.
 */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { TcpConnection, TcpHandler } from '../../../lib/tcp-connection.ts';

/** A TcpConnection over an accepted socket (IPv4-mapped addresses unmapped, as the entry point does). */
export function connectionOf(socket: Socket): TcpConnection {
  const unmap = (a: string | undefined): string => (a ?? '').replace(/^::ffff:/, '');
  let closed = false;
  return {
    remoteAddress: unmap(socket.remoteAddress),
    remotePort: socket.remotePort ?? 0,
    localAddress: unmap(socket.localAddress),
    localPort: socket.localPort ?? 0,
    socket,
    close() {
      if (closed) return;
      closed = true;
      socket.destroy();
    },
    onClose: (listener) => void socket.once('close', listener),
  };
}

export interface Listening {
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0 with half-open sockets allowed; `onSocket` gets every accepted socket. */
export async function listen(onSocket: (socket: Socket) => void): Promise<Listening> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as { port: number }).port,
    server,
    async close() {
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A front listener handing connections to `handler()` (read on each connection, so tests can swap it). */
export function listenFront(handler: () => TcpHandler): Promise<Listening> {
  return listen((socket) => handler()(connectionOf(socket)));
}

/** A server that writes its name and ends, whatever it is sent. */
export function nameServer(name: string): Promise<Listening> {
  return listen((socket) => {
    socket.resume();
    socket.end(name);
  });
}

/** What a client got back: everything read until the connection ended or closed. */
export interface Exchange {
  readonly data: string;
  /** The peer ended its writing cleanly (FIN) before the socket closed. */
  readonly ended: boolean;
}

/** Connects, writes `data` (then half-closes when `end`), and collects the answer until close. */
export async function exchange(port: number, data = '', end = true): Promise<Exchange> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  const chunks: Buffer[] = [];
  let ended = false;
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('end', () => {
    ended = true;
    socket.end();
  });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  if (data !== '') socket.write(data);
  if (end) socket.end();
  await once(socket, 'close');
  return { data: Buffer.concat(chunks).toString(), ended };
}

/** Resolves when `socket` has received text containing `text`; returns everything read so far. */
export function readUntil(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (c: Buffer): void => {
      got += c.toString();
      if (got.includes(text)) {
        socket.off('data', onData);
        socket.off('close', onClose);
        resolve(got);
      }
    };
    const onClose = (): void => reject(new Error(`closed before "${text}" arrived (got "${got}")`));
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}
