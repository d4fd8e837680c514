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
import type { Exchange, ExchangeLog, ResponseSink } from '../lib/exchange.ts';
import type { ForwardedHeadersOptions } from '../proxy/forwarded-headers.ts';
import { H2ResponseSink, h2RequestHeaders } from './h2-exchange.ts';
import { ServerResponseSink, SocketResponseSink, hasBody, type NodeExchange } from './node-exchange.ts';
import { createInFlightCounter, dispatchExchange, prepareExchange, type ReceivedHead } from './prepare-exchange.ts';

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
  const inFlight = createInFlightCounter();
  let stopping = false;
  const upgradeSockets = new Set<Duplex>();

  /** Builds the exchange (counting its body bytes), or answers 400 itself and returns null. */
  const prepare = (request: ReceivedHead, sink: (log: ExchangeLog) => ResponseSink,
    body: IncomingMessage | Http2ServerRequest | null, upgrade: { socket: Duplex; head: Buffer } | null): NodeExchange | null => {
    const ex = prepareExchange(options, request, sink, body, upgrade);
    if (ex !== null && body !== null) countBodyBytes(body, ex.log);
    return ex;
  };

  const run = (ex: NodeExchange): void => dispatchExchange(options.dispatch, ex);

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight.started();
    const ex = prepare({ method: req.method ?? 'GET', target: req.url ?? '/', headers: req.rawHeaders, httpVersion: req.httpVersion, socket: req.socket },
      (log) => new ServerResponseSink(res, log), hasBody(req) ? req : null, null);
    res.once('close', () => {
      if (ex !== null) {
        if (!res.writableFinished) ex.markClientGone();
        options.onDone?.(ex, process.hrtime.bigint() - ex.log.startNs);
      }
      inFlight.finished();
    });
    if (stopping) res.shouldKeepAlive = false;
    if (ex !== null) run(ex);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    inFlight.started();
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
      inFlight.finished();
    };
    socket.once('close', close);
    socket.on('error', () => socket.destroy());
    if (ex !== null) run(ex);
  };

  const onH2Request = (req: Http2ServerRequest, res: Http2ServerResponse): void => {
    inFlight.started();
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
      inFlight.finished();
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
      return inFlight.count;
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
      return inFlight.whenIdle();
    },
    closeAll() {
      server.closeAllConnections();
      for (const session of sessions) session.destroy();
      for (const s of upgradeSockets) s.destroy();
    },
  };
}

/**
 * Counts the request body's bytes as they arrive (the access log's RequestContentSize, the
 * statistics' bytes in), whatever consumes the body and however it is framed (Content-Length,
 * chunked, HTTP/2 DATA frames). node:http and its HTTP/2 compatibility layer both hand received
 * body bytes to the request stream through `push`, so wrapping `push` on this one stream counts
 * them without reading the stream or switching it to flowing mode.
 */
function countBodyBytes(body: IncomingMessage | Http2ServerRequest, log: ExchangeLog): void {
  const push = body.push;
  body.push = function countingPush(this: typeof body, chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk !== null && chunk !== undefined) log.requestContentSize += typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : (chunk as Uint8Array).byteLength;
    return push.call(this, chunk, encoding);
  };
}
