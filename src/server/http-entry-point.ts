/**
 * The HTTP side of an entry point on `node:http` and `node:http2`: serves the connections the
 * entry point's listener hands over (plain or TLS, HTTP/1.1 or HTTP/2), turns each request into
 * an Exchange (normalised path, canonical host, X-Forwarded-* handled) and hands it to the
 * current dispatcher. Tracks in-flight requests for graceful shutdown.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createH2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Exchange } from '../lib/exchange.ts';
import { getHeader, newExchangeLog } from '../lib/exchange.ts';
import { applyForwardedHeaders, type ForwardedHeadersOptions } from '../proxy/forwarded-headers.ts';
import { proxyError, sendProxyError } from '../proxy/proxy-error.ts';
import { canonicalHost, normalizePath, sanitizePath } from '../rules/routing-path.ts';
import { H2ResponseSink, h2RequestHeaders } from './h2-exchange.ts';
import { NodeExchange, NodeRequestHead, ServerResponseSink, SocketResponseSink, hasBody } from './node-exchange.ts';

export interface HttpEntryPointOptions {
  readonly name: string;
  readonly forwarded: ForwardedHeadersOptions;
  readonly readTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxHeaderBytes: number;
  readonly sanitizePath: boolean;
  readonly encodeQuerySemicolons: boolean;
  /** `entryPoints.<name>.http2`. */
  readonly http2: { readonly maxConcurrentStreams: number; readonly maxDecoderHeaderTableSize: number; readonly maxEncoderHeaderTableSize: number };
  /** Routes one exchange; the entry point never decides where a request goes. */
  dispatch(exchange: Exchange): void;
  /** Called once per exchange when its response is over (access log, metrics). */
  onDone?(exchange: Exchange, durationNs: bigint): void;
}

export interface HttpEntryPoint {
  readonly name: string;
  /**
   * Serves one accepted connection: `socket` is plain or TLS, positioned at its first byte;
   * `protocol` is what ALPN chose, or `h2` for cleartext HTTP/2 with prior knowledge.
   */
  serve(socket: Duplex, protocol: 'http/1.1' | 'h2'): void;
  /** Stops taking requests on idle connections: keep-alive ones close, HTTP/2 sessions get GOAWAY. */
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
  const prepare = (request: { method: string; target: string; headers: string[]; httpVersion: string; socket: Socket | null },
    sink: (log: ReturnType<typeof newExchangeLog>) => ServerResponseSink | SocketResponseSink | H2ResponseSink,
    body: IncomingMessage | Http2ServerRequest | null, upgrade: { socket: Duplex; head: Buffer } | null): NodeExchange | null => {
    const startNs = process.hrtime.bigint();
    const target = request.target;
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
    const host = canonicalHost(getHeader(request.headers, 'host') ?? '');
    const head = new NodeRequestHead(request.method, request.headers, request.httpVersion, request.socket, path, query, host, options.name);
    if (body !== null) countBodyBytes(body, log);
    const ex = new NodeExchange(head, body, sink(log), upgrade, log);
    if (bad) {
      sendProxyError(ex, proxyError('BAD_REQUEST'));
      return null;
    }
    applyForwardedHeaders(head, options.forwarded, upgrade !== null && isWebSocket(request.headers));
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
    const ex = prepare({ method: req.method ?? 'GET', target: req.url ?? '/', headers: req.rawHeaders, httpVersion: req.httpVersion, socket: req.socket },
      (log) => new ServerResponseSink(res, log), hasBody(req) ? req : null, null);
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
    const ex = prepare({ method: req.method ?? 'GET', target: req.url ?? '/', headers: req.rawHeaders, httpVersion: req.httpVersion, socket: req.socket },
      (log) => new SocketResponseSink(socket, log), null, { socket, head });
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

  const onH2Request = (req: Http2ServerRequest, res: Http2ServerResponse): void => {
    inFlight++;
    // The session's socket: a proxy that forwards property reads, so connection facts recorded
    // on the real socket are found through it.
    const socket = req.socket as unknown as Socket;
    const ex = prepare({ method: req.method, target: req.url, headers: h2RequestHeaders(req.rawHeaders), httpVersion: '2.0', socket },
      (log) => new H2ResponseSink(res, log), req.stream.endAfterHeaders ? null : req, null);
    res.once('close', () => {
      if (ex !== null) {
        if (!res.writableFinished) ex.markClientGone();
        options.onDone?.(ex, process.hrtime.bigint() - ex.log.startNs);
      }
      finished();
    });
    if (ex !== null) run(ex);
  };

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

  // HTTP/2 sessions, over TLS (ALPN h2) or cleartext with prior knowledge; the listener hands
  // each connection over, so this server never listens itself.
  const sessions = new Set<ServerHttp2Session>();
  const h2 = createH2Server({
    maxSessionMemory: 64,
    settings: {
      maxConcurrentStreams: options.http2.maxConcurrentStreams,
      headerTableSize: options.http2.maxDecoderHeaderTableSize,
      maxHeaderListSize: options.maxHeaderBytes,
    },
    maxHeaderListPairs: 2000,
  });
  h2.on('request', onH2Request);
  h2.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    session.on('error', () => session.destroy());
    if (stopping) session.close();
  });
  h2.on('sessionError', () => {});
  if (options.idleTimeoutMs > 0) h2.setTimeout(options.idleTimeoutMs);

  return {
    name: options.name,
    get inFlight() {
      return inFlight;
    },
    serve(socket, protocol) {
      if (stopping) {
        socket.destroy();
        return;
      }
      (protocol === 'h2' ? h2 : server).emit('connection', socket);
    },
    stopAccepting() {
      stopping = true;
      server.closeIdleConnections();
      for (const session of sessions) session.close();
    },
    whenIdle() {
      if (inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    closeAll() {
      server.closeAllConnections();
      for (const session of sessions) session.destroy();
      for (const s of upgradeSockets) s.destroy();
    },
  };
}

function isWebSocket(headers: readonly string[]): boolean {
  const up = getHeader(headers, 'upgrade');
  return up !== undefined && up.toLowerCase() === 'websocket';
}

/**
 * Counts the request body's bytes as they arrive (the access log's RequestContentSize, the
 * statistics' bytes in), whatever consumes the body and however it is framed (Content-Length,
 * chunked, HTTP/2 DATA frames). node:http and its HTTP/2 compatibility layer both hand received
 * body bytes to the request stream through `push`, so wrapping `push` on this one stream counts
 * them without reading the stream or switching it to flowing mode.
 */
function countBodyBytes(body: IncomingMessage | Http2ServerRequest, log: ReturnType<typeof newExchangeLog>): void {
  const push = body.push;
  body.push = function countingPush(this: typeof body, chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk !== null && chunk !== undefined) log.requestContentSize += typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : (chunk as Uint8Array).byteLength;
    return push.call(this, chunk, encoding);
  };
}
