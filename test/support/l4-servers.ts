/**
 * Test support for TCP and UDP routing: real servers on 127.0.0.1 port 0 that say who they are
 * and record what they received, and clients that wait for the bytes they expect (an event,
 * never a timer).
 *
 * - startTcpServer(): echoes every byte back; with `banner` it first writes `<name>\n` on
 *   connect, before reading anything (a server-speaks-first protocol, like SMTP or MySQL).
 * - startTlsServer(): terminates TLS with its own certificate, writes `<name>\n` once the
 *   handshake is done, then echoes (a TLS server behind a passthrough router).
 * - startUdpServer(): answers each datagram with `<name>:<datagram>` to its sender.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';

/** Everything a stream delivered so far, and ways to wait for more. */
export interface Collected {
  bytes(): Buffer;
  text(): string;
  /**
   * Resolves with every byte received once `until` holds for them; rejects when the stream
   * ends, fails or closes first (the message shows what arrived), so a test never hangs on it.
   */
  until(until: (received: Buffer) => boolean, what: string): Promise<Buffer>;
  /** Resolves with every byte received once the stream has closed (for whatever reason). */
  closed(): Promise<Buffer>;
}

/**
 * Starts collecting what `stream` delivers. Call it before anything can arrive (right after
 * connecting): the stream is put in flowing mode and every chunk is kept.
 */
export function collect(stream: Duplex): Collected {
  const chunks: Buffer[] = [];
  let done = false;
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const w of [...waiters]) w();
  };
  stream.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    notify();
  });
  const finish = (): void => {
    done = true;
    notify();
  };
  stream.on('end', finish);
  stream.on('close', finish);
  stream.on('error', finish);
  const bytes = (): Buffer => Buffer.concat(chunks);
  return {
    bytes,
    text: () => bytes().toString('utf8'),
    until(until, what) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const all = bytes();
          if (until(all)) {
            waiters.delete(check);
            resolve(all);
          } else if (done) {
            waiters.delete(check);
            reject(new Error(`the stream ended before ${what}; received ${JSON.stringify(all.toString('latin1'))}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    closed() {
      return new Promise((resolve) => {
        if (stream.destroyed || done) {
          resolve(bytes());
          return;
        }
        stream.once('close', () => resolve(bytes()));
      });
    },
  };
}

/** Resolves once `text` ends what was received (a line answered by an echo, a banner). */
export function endsWith(text: string): (received: Buffer) => boolean {
  return (received) => received.toString('latin1').endsWith(text);
}

/** One connection a test server accepted. */
export interface AcceptedConnection {
  /** The TCP peer as the server saw it (Switchyard's side of the connection). */
  readonly peer: { readonly address: string; readonly port: number };
  /** What the server received on it (plaintext for a TLS server). */
  readonly received: Collected;
}

export interface TcpTestServer {
  readonly name: string;
  readonly port: number;
  /** `127.0.0.1:<port>`, as a TCP or UDP service's server address. */
  readonly address: string;
  /** Connections in the order they were accepted. */
  readonly connections: readonly AcceptedConnection[];
  close(): Promise<void>;
}

async function listenTcp(name: string, server: Server, connections: AcceptedConnection[]): Promise<TcpTestServer> {
  // Raw sockets, TLS or not, so close() can cut the connections a test left open.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    name,
    port,
    address: `127.0.0.1:${port}`,
    connections,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Echoes what `socket` sends and records it. */
function serveEcho(socket: Socket | TLSSocket, connections: AcceptedConnection[], banner: string | null): void {
  socket.on('error', () => socket.destroy());
  const received = collect(socket);
  connections.push({ peer: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 }, received });
  if (banner !== null) socket.write(banner);
  socket.on('data', (chunk: Buffer) => socket.write(chunk));
  socket.on('end', () => socket.end());
}

/** A plain TCP echo server; with `banner`, it writes `<name>\n` as soon as a client connects. */
export function startTcpServer(name: string, options: { banner?: boolean } = {}): Promise<TcpTestServer> {
  const connections: AcceptedConnection[] = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => serveEcho(socket, connections, options.banner === true ? `${name}\n` : null));
  return listenTcp(name, server, connections);
}

/** A TLS echo server presenting `certificate`; writes `<name>\n` once the handshake is done. */
export function startTlsServer(name: string, certificate: { readonly cert: string; readonly key: string }): Promise<TcpTestServer> {
  const connections: AcceptedConnection[] = [];
  const server = createTlsServer({ cert: certificate.cert, key: certificate.key }, (socket) => serveEcho(socket, connections, `${name}\n`));
  server.on('tlsClientError', () => undefined);
  return listenTcp(name, server, connections);
}

/** Connects to 127.0.0.1:`port` (from `localAddress` when given) and starts collecting. */
export async function connectTcp(port: number | undefined, localAddress?: string): Promise<{ socket: Socket; received: Collected }> {
  if (port === undefined) throw new Error('no port: the entry point is not listening');
  const socket = connect({ host: '127.0.0.1', port, ...(localAddress !== undefined ? { localAddress } : {}) });
  const received = collect(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return { socket, received };
}

/**
 * Opens a TLS connection to 127.0.0.1:`port` over a new TCP connection, or over `socket` when
 * given (after a PROXY header, say), and resolves once the handshake is done.
 */
export async function connectTls(port: number | undefined, options: ConnectionOptions): Promise<{ socket: TLSSocket; received: Collected }> {
  if (port === undefined && options.socket === undefined) throw new Error('no port: the entry point is not listening');
  const socket = tlsConnect({ host: '127.0.0.1', ...(port !== undefined ? { port } : {}), ...options });
  const received = collect(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
  });
  return { socket, received };
}

export interface UdpTestServer {
  readonly name: string;
  readonly port: number;
  readonly address: string;
  /** Source `address:port` of every datagram received, in order. */
  readonly peers: readonly string[];
  close(): Promise<void>;
}

/** A UDP server answering each datagram with `<name>:<datagram>`. */
export async function startUdpServer(name: string): Promise<UdpTestServer> {
  const socket = createSocket('udp4');
  const peers: string[] = [];
  socket.on('message', (message, from) => {
    peers.push(`${from.address}:${from.port}`);
    socket.send(Buffer.concat([Buffer.from(`${name}:`), message]), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const port = socket.address().port;
  return {
    name,
    port,
    address: `127.0.0.1:${port}`,
    peers,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

export interface UdpTestClient {
  /** This client's source port (its session key, with 127.0.0.1). */
  readonly port: number;
  /**
   * Sends `text` to the entry point and resolves with the oldest datagram not yet returned
   * (the reply, when every datagram is answered once).
   */
  exchange(text: string): Promise<string>;
  close(): Promise<void>;
}

/** A UDP client bound to 127.0.0.1 port 0, talking to the entry point on `port`. */
export async function udpClient(port: number | undefined): Promise<UdpTestClient> {
  if (port === undefined) throw new Error('no port: the entry point is not listening');
  const socket: UdpSocket = createSocket('udp4');
  const unread: string[] = [];
  const waiting: ((reply: string) => void)[] = [];
  socket.on('message', (message) => {
    const next = waiting.shift();
    if (next !== undefined) next(message.toString('utf8'));
    else unread.push(message.toString('utf8'));
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: socket.address().port,
    exchange(text) {
      return new Promise((resolve, reject) => {
        const oldest = unread.shift();
        if (oldest !== undefined) resolve(oldest);
        else waiting.push(resolve);
        socket.send(text, port, '127.0.0.1', (err) => {
          if (err) reject(err);
        });
      });
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
