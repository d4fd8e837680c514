/**
 * An HTTP entry point on `node:http`: accepts connections, turns each request into an
 * Exchange (normalised path, canonical host, X-Forwarded-* handled) and hands it to the
 * current dispatcher. Tracks in-flight requests for graceful shutdown.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Exchange } from '../lib/exchange.ts';
import { getHeader, newExchangeLog } from '../lib/exchange.ts';
import { applyForwardedHeaders, type ForwardedHeadersOptions } from '../proxy/forwarded-headers.ts';
import { proxyError, sendProxyError } from '../proxy/proxy-error.ts';
import { canonicalHost, normalizePath, sanitizePath } from '../rules/routing-path.ts';
import { listenWithAcceptors, type Acceptors } from './acceptors.ts';
import { NodeExchange, NodeRequestHead, ServerResponseSink, SocketResponseSink, hasBody } from './node-exchange.ts';

export interface HttpEntryPointOptions {
  readonly name: string;
  /** Host to bind ('' = all interfaces). */
  readonly host: string;
  readonly port: number;
  readonly forwarded: ForwardedHeadersOptions;
  readonly readTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxHeaderBytes: number;
  readonly sanitizePath: boolean;
  readonly encodeQuerySemicolons: boolean;
  /** Routes one exchange; the entry point never decides where a request goes. */
  dispatch(exchange: Exchange): void;
  /** Called once per exchange when its response is over (access log, metrics). */
  onDone?(exchange: Exchange, durationNs: bigint): void;
}

export interface HttpEntryPoint {
  readonly name: string;
  listen(): Promise<{ host: string; port: number }>;
  /** Stops accepting new connections; idle keep-alive connections are closed. */
  stopAccepting(): void;
  /** Resolves when no request is in flight (or at once when none is). */
  whenIdle(): Promise<void>;
  /** Cuts every remaining connection. */
  closeAll(): void;
  readonly inFlight: number;
}

export function createHttpEntryPoint(options: HttpEntryPointOptions): HttpEntryPoint {
  let inFlight = 0;
  let idleWaiters: (() => void)[] = [];
  let stopping = false;
  const upgradeSockets = new Set<Duplex>();

  const finished = (): void => {
    inFlight--;
    if (inFlight === 0 && idleWaiters.length > 0) {
      const w = idleWaiters;
      idleWaiters = [];
      for (const f of w) f();
    }
  };

  /** Builds the exchange, or answers 400 itself and returns null. */
  const prepare = (req: IncomingMessage, sink: (log: ReturnType<typeof newExchangeLog>) => ServerResponseSink | SocketResponseSink,
    upgrade: { socket: Duplex; head: Buffer } | null): NodeExchange | null => {
    const startNs = process.hrtime.bigint();
    const target = req.url ?? '/';
    let path: string;
    let query = '';
    const q = target.indexOf('?');
    const rawPath = q < 0 ? target : target.slice(0, q);
    if (q >= 0) query = target.slice(q + 1);
    let bad = false;
    if (rawPath.charCodeAt(0) === 47 /* / */) path = rawPath;
    else if (rawPath === '*') path = '*';
    else {
      // absolute-form (a request through a forward-proxy-style client): keep the path only.
      try {
        path = new URL(rawPath).pathname || '/';
      } catch {
        path = '/';
        bad = true;
      }
    }
    if (path.includes('#')) bad = true;
    if (!bad && path.includes('%')) {
      const n = normalizePath(path);
      if (n === null) bad = true;
      else path = n;
    }
    if (!bad && options.sanitizePath && path !== '*' && (path.includes('/.') || path.includes('//'))) path = sanitizePath(path);
    if (query.includes(';')) query = options.encodeQuerySemicolons ? query.replaceAll(';', '%3B') : query.replaceAll(';', '&');
    const log = newExchangeLog(startNs, path, query);
    const host = canonicalHost(getHeader(req.rawHeaders, 'host') ?? '');
    const head = new NodeRequestHead(req, path, query, host, options.name, undefined);
    const ex = new NodeExchange(head, upgrade === null && hasBody(req) ? req : null, sink(log), upgrade, log);
    if (bad) {
      sendProxyError(ex, proxyError('BAD_REQUEST'));
      return null;
    }
    applyForwardedHeaders(head, options.forwarded, upgrade !== null && isWebSocket(req.rawHeaders));
    return ex;
  };

  const run = (ex: NodeExchange): void => {
    try {
      options.dispatch(ex);
    } catch (err) {
      // A bug, not a user mistake: answer 500 and keep serving.
      sendProxyError(ex, proxyError('INTERNAL', undefined, err));
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    const ex = prepare(req, (log) => new ServerResponseSink(res, log), null);
    res.once('close', () => {
      if (ex !== null) {
        if (!res.writableFinished) ex.markClientGone();
        options.onDone?.(ex, process.hrtime.bigint() - ex.log.startNs);
      }
      finished();
    });
    if (stopping) res.shouldKeepAlive = false;
    if (ex !== null) run(ex);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    inFlight++;
    upgradeSockets.add(socket);
    const ex = prepare(req, (log) => new SocketResponseSink(socket, log), { socket, head });
    let done = false;
    const close = (): void => {
      if (done) return;
      done = true;
      upgradeSockets.delete(socket);
      if (ex !== null) {
        ex.markClientGone();
        options.onDone?.(ex, process.hrtime.bigint() - ex.log.startNs);
      }
      finished();
    };
    socket.once('close', close);
    socket.on('error', () => socket.destroy());
    if (ex !== null) run(ex);
  };

  let acceptors: Acceptors | null = null;
  const server: Server = createServer({
    maxHeaderSize: options.maxHeaderBytes,
    requestTimeout: options.readTimeoutMs,
    keepAliveTimeout: options.idleTimeoutMs,
    // Node's headersTimeout must not exceed requestTimeout when that is set.
    headersTimeout: options.readTimeoutMs > 0 ? Math.min(60_000, options.readTimeoutMs) : 60_000,
    noDelay: true,
    // The routing path is ours to compute (Traefik keeps `//`; Node would too, but be explicit).
    joinDuplicateHeaders: false,
  });
  server.on('request', onRequest);
  server.on('upgrade', onUpgrade);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (socket.writable && err.code !== 'ECONNRESET') socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  return {
    name: options.name,
    get inFlight() {
      return inFlight;
    },
    async listen() {
      acceptors = await listenWithAcceptors(server, options.host, options.port);
      return { host: acceptors.host, port: acceptors.port };
    },
    stopAccepting() {
      stopping = true;
      acceptors?.close();
      server.closeIdleConnections();
    },
    whenIdle() {
      if (inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    closeAll() {
      server.closeAllConnections();
      for (const s of upgradeSockets) s.destroy();
    },
  };
}

function isWebSocket(headers: readonly string[]): boolean {
  const up = getHeader(headers, 'upgrade');
  return up !== undefined && up.toLowerCase() === 'websocket';
}
