/**
 * The engine seam: Switchyard's own request/response types.
 *
 * Routing, middlewares and services see only these types, never `IncomingMessage` or
 * `ServerResponse`. The first engine (server/http-entry-point.ts with server/node-exchange.ts) adapts `node:http` to them; a
 * raw-socket engine will implement the same interfaces later without changes above the seam.
 *
 * Hot-path note: headers stay a flat array of raw `[name, value, name, value, …]` pairs as the
 * wire gave them (no per-request object building); lookups are case-insensitive scans, which are
 * faster than building a map for the 5–20 headers a request usually has.
 */
import type { X509Certificate } from 'node:crypto';
import type { Duplex, Readable } from 'node:stream';

/** TLS facts of the downstream connection, when it is TLS. */
export interface TlsFacts {
  /** `TLSv1.2`, `TLSv1.3`. */
  readonly version: string;
  /** OpenSSL's name of the negotiated cipher suite. */
  readonly cipher: string;
  /** The SNI the client sent, lower-cased ('' when none). */
  readonly serverName: string;
  /** The negotiated ALPN protocol ('' when none). */
  readonly alpn: string;
  /** The TLS options (qualified name) the connection was accepted with. */
  readonly options?: string;
  /** The client's certificate chain, leaf first; empty when it sent none. */
  readonly peerCertificates?: readonly X509Certificate[];
}

/**
 * The request head as routing and middlewares see it. Middlewares may rewrite `path`, `query`
 * and `headers`; the proxy sends what is here when the request reaches a server.
 */
export interface RequestHead {
  method: string;
  /** The escaped path (normalised and sanitised at the entry point), always starting with `/`. */
  path: string;
  /** The raw query without `?`; '' when absent. */
  query: string;
  /** Raw header pairs `[name, value, name, value, …]` as received (names keep their case). */
  headers: string[];
  /** `1.0`, `1.1` or `2.0`. */
  readonly httpVersion: string;
  /** The canonical host used for routing: lower-case, port and trailing dot stripped. */
  readonly host: string;
  /** The TCP peer address (the client IP for ClientIP matching and X-Forwarded-For). */
  readonly remoteAddress: string;
  readonly remotePort: number;
  /**
   * The client's IP for affinity and hashing: the TCP peer, or, when the peer is a trusted
   * proxy (forwardedHeaders.trustedIPs / PROXY protocol), the nearest untrusted address of
   * X-Forwarded-For. Set by the entry point.
   */
  clientIp: string;
  /** The address and port the client connected to (entry point side). */
  readonly localPort: number;
  readonly tls: TlsFacts | undefined;
  /** The entry point's name. */
  readonly entryPoint: string;
}

/**
 * Where a response goes. The engine implements it for the client connection; tests and mirrors
 * implement it too. `writeHead` is called once; `write` returns false when the consumer is
 * full and `onDrain` fires once it can take more (backpressure).
 */
export interface ResponseSink {
  writeHead(status: number, headers: string[]): void;
  write(chunk: Buffer): boolean;
  onDrain(listener: () => void): void;
  /** Ends the response, optionally with trailers as raw pairs. */
  end(trailers?: string[]): void;
  /** Tears the response down (client sees a reset or a truncated body). */
  destroy(err?: Error): void;
  /** Sends the head and body written so far at once (SSE and other streams). */
  flush(): void;
  readonly headSent: boolean;
}

/** A hook that may rewrite the response head before it is sent to the client. */
export type ResponseHeadHook = (status: number, headers: string[], exchange: Exchange) => number;

/**
 * One HTTP request in flight: its head, its body, where its response goes, and facts that
 * middlewares and services record for the access log.
 */
export interface Exchange {
  readonly request: RequestHead;
  /** The request body, or null when the request has none (no Content-Length/Transfer-Encoding). */
  readonly body: Readable | null;
  readonly response: ResponseSink;
  /**
   * For an upgrade request (`Connection: upgrade`), the client socket and the bytes read past
   * the head. The handler that accepts the upgrade writes the 101 head itself to `socket`.
   */
  readonly upgrade: { readonly socket: Duplex; readonly head: Buffer } | null;
  /** Fires when the client goes away before the response ended (created on first use). */
  readonly signal: AbortSignal;
  /** True once the client went away before the response ended. */
  readonly clientGone: boolean;
  /**
   * Sets the one listener called when the client goes away before the response ended (null
   * clears it). Cheaper than `signal` on the hot path: no AbortController per request.
   */
  onClientGone(listener: (() => void) | null): void;
  /** Hooks run, in order of registration, on the response head just before it is written. */
  readonly responseHeadHooks: ResponseHeadHook[];
  /** Facts for the access log and metrics; filled along the way. */
  readonly log: ExchangeLog;
}

/** Facts recorded while a request is served, read by the access log and metrics. */
export interface ExchangeLog {
  startNs: bigint;
  routerName: string;
  serviceName: string;
  serviceUrl: string;
  serviceAddr: string;
  originStatus: number;
  originContentSize: number;
  downstreamStatus: number;
  downstreamContentSize: number;
  requestContentSize: number;
  retryAttempts: number;
  /** When the request was handed to a server (hrtime ns); 0n when it never was. */
  originStartNs: bigint;
  /** From originStartNs to the end of the server's response (ns); 0n until then. */
  originDurationNs: bigint;
  /** The authenticated user (basic/digest auth), '' when none. */
  clientUsername: string;
  /** Path as received, before middlewares rewrote it. */
  originalPath: string;
  originalQuery: string;
  /**
   * Qualified names of the services the request passed through, outermost first (a weighted
   * parent, its chosen child, …); a service entered again (a retry) appears again.
   */
  services: string[];
  /** A loadBalancer issued a sticky cookie to a client that had no valid one (a session started). */
  stickyStarted: boolean;
}

/** A fresh ExchangeLog for a request that started at `startNs` with this path and query. */
export function newExchangeLog(startNs: bigint, path: string, query: string): ExchangeLog {
  return {
    startNs,
    routerName: '',
    serviceName: '',
    serviceUrl: '',
    serviceAddr: '',
    originStatus: 0,
    originContentSize: 0,
    downstreamStatus: 0,
    downstreamContentSize: 0,
    requestContentSize: 0,
    retryAttempts: 0,
    originStartNs: 0n,
    originDurationNs: 0n,
    clientUsername: '',
    originalPath: path,
    originalQuery: query,
    services: [],
    stickyStarted: false,
  };
}

/** A request handler: routers, middlewares and services are all handlers. */
export type Handler = (exchange: Exchange) => void | Promise<void>;

/** Returns the first value of a header (case-insensitive; `name` must be lower-case), or undefined. */
export function getHeader(headers: readonly string[], name: string): string | undefined {
  const n = headers.length;
  for (let i = 0; i < n; i += 2) {
    const key = headers[i]!;
    if (key.length === name.length && key.toLowerCase() === name) return headers[i + 1];
  }
  return undefined;
}

/**
 * Returns every value of a header (case-insensitive), in order. `name` must be lower-case.
 */
export function getHeaderValues(headers: readonly string[], name: string): string[] {
  const out: string[] = [];
  const n = headers.length;
  for (let i = 0; i < n; i += 2) {
    const key = headers[i]!;
    if (key.length === name.length && key.toLowerCase() === name) out.push(headers[i + 1]!);
  }
  return out;
}

/** Removes every line of a header (case-insensitive; `name` lower-case). Returns how many. */
export function deleteHeader(headers: string[], name: string): number {
  let w = 0;
  let removed = 0;
  const n = headers.length;
  for (let r = 0; r < n; r += 2) {
    const key = headers[r]!;
    if (key.length === name.length && key.toLowerCase() === name) {
      removed++;
      continue;
    }
    headers[w] = key;
    headers[w + 1] = headers[r + 1]!;
    w += 2;
  }
  headers.length = w;
  return removed;
}

/** Replaces every line of a header with one line (appends when absent). `name` as it should be sent. */
export function setHeader(headers: string[], name: string, value: string): void {
  deleteHeader(headers, name.toLowerCase());
  headers.push(name, value);
}

/** Writes a complete small response (status, content type, body) through an exchange. */
export function sendText(exchange: Exchange, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  const buf = Buffer.from(body);
  const headers = ['Content-Type', contentType, 'Content-Length', String(buf.length)];
  writeHeadThroughHooks(exchange, status, headers);
  if (exchange.request.method !== 'HEAD' && buf.length > 0) exchange.response.write(buf);
  exchange.response.end();
}

/**
 * Sends the response head after running the exchange's hooks. Every writer of a response head
 * goes through here so middlewares that edit response headers see all of them.
 */
export function writeHeadThroughHooks(exchange: Exchange, status: number, headers: string[]): void {
  let s = status;
  const hooks = exchange.responseHeadHooks;
  for (let i = 0; i < hooks.length; i++) s = hooks[i]!(s, headers, exchange);
  exchange.log.downstreamStatus = s;
  exchange.response.writeHead(s, headers);
}
