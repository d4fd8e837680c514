/**
 * Test support only (never imported by production code): raw pools on a manual clock whose
 * client sockets the test can see, a handler that records everything a pool reports, and
 * servers on 127.0.0.1 port 0 — node:http ones, and scripted `net` ones for the bytes node:http
 * would never send.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { createManualClock, type ManualClock } from '../../../lib/manual-clock.ts';
import { createConnector, type ConnectorTls } from '../../upstream-connector.ts';
import { Http1Pool, type Http1PoolOptions } from '../http1-pool.ts';

export const plainTls: ConnectorTls = {
  insecureSkipVerify: false,
  serverName: '',
  rootCAs: [],
  certificates: [],
  peerCertURI: '',
  ciphers: '',
  minVersion: undefined,
  maxVersion: undefined,
};

export interface TestPool {
  readonly pool: Http1Pool;
  readonly clock: ManualClock;
  /** Every client socket the pool opened, in order. */
  readonly sockets: Socket[];
}

export interface TestPoolOptions extends Partial<Omit<Http1PoolOptions, 'connect' | 'clock'>> {
  readonly tls?: Partial<ConnectorTls>;
}

/** A raw pool for `origin` on a manual clock (no header timeout, 90 s idle, 200 idle connections by default). */
export function createTestPool(origin: string, options: TestPoolOptions = {}): TestPool {
  const clock = createManualClock();
  const url = new URL(origin);
  const base = createConnector({
    scheme: url.protocol === 'https:' ? 'https' : 'http',
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    dialTimeoutMs: 10_000,
    allowH2: false,
    tls: { ...plainTls, ...options.tls },
    readIdleTimeoutMs: 0,
    pingTimeoutMs: 0,
    clock,
  });
  const sockets: Socket[] = [];
  const connect: Http1PoolOptions['connect'] = (opts, callback) => {
    base(opts, (err, socket) => {
      if (socket !== null) sockets.push(socket as Socket);
      (callback as (e: Error | null, s: Socket | null) => void)(err, socket as Socket | null);
    });
  };
  const pool = new Http1Pool(origin, {
    connect,
    clock,
    responseHeaderTimeoutMs: options.responseHeaderTimeoutMs ?? 0,
    idleConnTimeoutMs: options.idleConnTimeoutMs ?? 90_000,
    maxIdleConns: options.maxIdleConns ?? 200,
    ...(options.limits !== undefined ? { limits: options.limits } : {}),
  });
  return { pool, clock, sockets };
}

/** Everything a handler heard about one request. */
export interface Outcome {
  /** Statuses passed to onResponseStart, 1xx included, in order. */
  readonly starts: number[];
  status: number;
  /** Raw pairs of the final head (controller.rawHeaders). */
  headers: string[];
  /** Parsed headers of the final head. */
  parsed: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Raw trailer pairs (controller.rawTrailers). */
  trailers: string[];
  parsedTrailers: Record<string, string | string[] | undefined>;
  error: (Error & { code?: string }) | null;
  upgrade: { status: number; socket: Duplex } | null;
}

export interface RecordingHandler extends Dispatcher.DispatchHandler {
  readonly outcome: Outcome;
  /** Settles when the request ended (end, error or upgrade). */
  readonly done: Promise<Outcome>;
  controller: Dispatcher.DispatchController | null;
}

/**
 * A handler that records what happened. `onData` sees each body chunk with the controller (to
 * pause it); `keepBody: false` counts bytes without keeping them (big transfers).
 */
export function recordingHandler(onData?: (chunk: Buffer, controller: Dispatcher.DispatchController) => void, keepBody = true): RecordingHandler {
  const outcome: Outcome = { starts: [], status: 0, headers: [], parsed: {}, body: Buffer.alloc(0), trailers: [], parsedTrailers: {}, error: null, upgrade: null };
  const chunks: Buffer[] = [];
  let settle!: (o: Outcome) => void;
  const done = new Promise<Outcome>((resolve) => {
    settle = resolve;
  });
  const finish = (): void => {
    outcome.body = Buffer.concat(chunks);
    settle(outcome);
  };
  const handler: RecordingHandler = {
    outcome,
    done,
    controller: null,
    onRequestStart(controller) {
      handler.controller = controller;
    },
    onResponseStart(controller, status, headers) {
      outcome.starts.push(status);
      if (status < 200) return;
      outcome.status = status;
      outcome.headers = [...(controller.rawHeaders as string[])];
      outcome.parsed = headers as Outcome['parsed'];
    },
    onResponseData(controller, chunk) {
      if (keepBody) chunks.push(Buffer.from(chunk));
      onData?.(chunk, controller);
    },
    onResponseEnd(controller, trailers) {
      outcome.trailers = [...((controller.rawTrailers as string[] | null) ?? [])];
      outcome.parsedTrailers = trailers as Outcome['parsedTrailers'];
      finish();
    },
    onResponseError(_controller, err) {
      outcome.error = err as Outcome['error'];
      finish();
    },
    onRequestUpgrade(_controller, status, _headers, socket) {
      outcome.upgrade = { status, socket };
      finish();
    },
  };
  return handler;
}

/** Dispatches and waits for the outcome. */
export function send(pool: Dispatcher, options: Partial<Dispatcher.DispatchOptions> = {}): Promise<Outcome> {
  const handler = recordingHandler();
  pool.dispatch({ method: 'GET', path: '/', ...options }, handler);
  return handler.done;
}

/** A request as a node:http server saw it, with the server-side socket. */
export interface Arrival {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly body: Buffer;
  /** The client's port: one per connection. */
  readonly port: number;
}

export interface TestHttpServer {
  readonly url: string;
  readonly server: Server;
  readonly arrivals: Arrival[];
  /** Server-side sockets by client port, in the order they connected. */
  readonly connections: Map<number, Socket>;
  /** Resolves with the next connection the server accepts. */
  nextConnection(): Promise<Socket>;
  close(): Promise<void>;
}

/**
 * A node:http server; `answer` runs once the request body was read in full (default: 200 'ok').
 * Its keep-alive timer is off unless `keepAliveTimeoutMs` is given (node:http then announces it).
 */
export async function startHttpServer(answer: (a: Arrival) => void = (a) => a.res.end('ok'), keepAliveTimeoutMs = 0): Promise<TestHttpServer> {
  const arrivals: Arrival[] = [];
  const connections = new Map<number, Socket>();
  const waiters: ((s: Socket) => void)[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const arrival = { req, res, body: Buffer.concat(chunks), port: req.socket.remotePort! };
      arrivals.push(arrival);
      answer(arrival);
    });
  });
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.on('connection', (socket: Socket) => {
    connections.set(socket.remotePort!, socket);
    waiters.shift()?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    arrivals,
    connections,
    nextConnection: () => new Promise((resolve) => waiters.push(resolve)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A `net` server whose connections a script drives byte by byte. */
export interface ScriptedServer {
  readonly url: string;
  readonly sockets: Socket[];
  close(): Promise<void>;
}

/** Runs `script` for every connection; the index counts connections from 0. */
export async function startScriptedServer(script: (socket: Socket, index: number) => void): Promise<ScriptedServer> {
  const sockets: Socket[] = [];
  const server: NetServer = createNetServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    script(socket, sockets.length - 1);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Calls `onRequest(head, index)` for each complete request head the socket receives (requests
 * without bodies only: the scripted servers answer GETs).
 */
export function onRequestHeads(socket: Socket, onRequest: (head: string, index: number) => void): void {
  let buffered = '';
  let index = 0;
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
      const head = buffered.slice(0, end + 4);
      buffered = buffered.slice(end + 4);
      onRequest(head, index++);
    }
  });
}

/** Resolves once `socket` closed (at once when it already has). */
export function closed(socket: Socket): Promise<void> {
  if (socket.destroyed && socket.closed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/** One turn of the event loop: after the pool's own setImmediate for reused connections. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
