/**
 * Forwarding one request to one server over an undici pool, with the `dispatch` handler API:
 * bodies stream both ways with backpressure, upgrades (WebSocket) become a spliced pair of
 * sockets, and every failure becomes a ProxyError answered in one place.
 *
 * The same code speaks HTTP/1.1 and HTTP/2 to servers (the pool decides, upstream-pools.ts):
 * the Host header becomes `:authority` on HTTP/2 (passHostHeader keeps Traefik's meaning),
 * response heads arrive as raw pairs (HTTP/1.1) or a header object (HTTP/2), and the server's
 * trailers (gRPC's grpc-status) are relayed either way. `TE: trailers` is forwarded, as Go's
 * ReverseProxy does (gRPC servers expect it); every other hop-by-hop field is dropped.
 * Request trailers are not relayed: undici cannot send them (Traefik relays them).
 */
import type { Duplex } from 'node:stream';
import type { Dispatcher, Pool } from 'undici';
import { sendProxyError, classifyUpstreamError, proxyError } from './proxy-error.ts';
import { connectionTokens, isHopByHop } from './hop-by-hop.ts';
import { writeHeadThroughHooks, type Exchange } from '../lib/exchange.ts';

/** One server as the proxy sees it, built once per configuration. */
export interface ServerTarget {
  /** The server URL exactly as configured (its identity). */
  readonly url: string;
  /** `scheme://host:port`. */
  readonly origin: string;
  /** `host:port`, for the access log's ServiceAddr. */
  readonly address: string;
  /** The URL's authority as written, sent as Host when passHostHeader is false. */
  readonly host: string;
  /** The server URL's path when preservePath is on, else ''. */
  readonly basePath: string;
  readonly pool: Pool;
}

export interface ForwardOptions {
  readonly passHostHeader: boolean;
  readonly notAppendXForwardedFor: boolean;
}

/** Events a caller (health tracking, selection policies, metrics) may want about one forwarded request. */
export interface ForwardObserver {
  /** The server's response head arrived, `ttfbMs` after the request was handed to the pool. */
  onHeaders(target: ServerTarget, ttfbMs: number): void;
  /**
   * Called exactly once per forwarded request when it is over: `status` is the server's status,
   * or the status Switchyard answered; `error` is set when no complete response came back
   * (`fromServer` tells whether a response head had arrived before the failure).
   */
  onResult(target: ServerTarget, status: number, error: Error | null, fromServer: boolean): void;
}

/**
 * Builds the outgoing header list: hop-by-hop headers and those named by `Connection` removed,
 * X-Forwarded-For appended with the peer, Host kept or replaced per passHostHeader.
 */
export function outgoingHeaders(exchange: Exchange, target: ServerTarget, options: ForwardOptions): string[] {
  const src = exchange.request.headers;
  const n = src.length;
  let extra: Set<string> | null = null;
  const out: string[] = [];
  let xff: string | undefined;
  let host: string | undefined;
  let authority: string | undefined;
  let teTrailers = false;
  for (let i = 0; i < n; i += 2) {
    const k = src[i]!;
    // HTTP/2 pseudo-headers never travel as fields; `:authority` stands in for a missing Host.
    if (k.charCodeAt(0) === 58 /* : */) {
      if (k === ':authority') authority = src[i + 1]!;
      continue;
    }
    // Only names of these lengths can need special handling; the rest are copied without
    // lower-casing (most headers of most requests).
    if (!specialLength[k.length]) {
      out.push(k, src[i + 1]!);
      continue;
    }
    const lower = k.toLowerCase();
    if (lower === 'connection') {
      const t = connectionTokens(src[i + 1]!, null);
      if (t !== null) for (const x of t) (extra ??= new Set()).add(x);
      continue;
    }
    if (lower === 'te') {
      if (hasToken(src[i + 1]!, 'trailers')) teTrailers = true;
      continue;
    }
    if (isHopByHop(lower) || lower === 'expect') continue;
    if (lower === 'x-forwarded-for') {
      xff = xff === undefined ? src[i + 1]! : `${xff}, ${src[i + 1]!}`;
      continue;
    }
    if (lower === 'host') {
      host ??= src[i + 1]!;
      continue;
    }
    out.push(k, src[i + 1]!);
  }
  if (!options.passHostHeader) out.push('host', target.host);
  else if ((host ?? authority) !== undefined) out.push('host', (host ?? authority)!);
  if (options.notAppendXForwardedFor) {
    if (xff !== undefined) out.push('X-Forwarded-For', xff);
  } else {
    const ip = exchange.request.remoteAddress;
    out.push('X-Forwarded-For', xff === undefined ? ip : `${xff}, ${ip}`);
  }
  const kept = extra === null ? out : dropNamed(out, extra);
  // Go's ReverseProxy keeps `TE: trailers` even though TE is hop-by-hop (gRPC needs it).
  if (teTrailers) kept.push('te', 'trailers');
  return kept;
}

/** True when a comma-separated header value lists `token` (case-insensitive). */
function hasToken(value: string, token: string): boolean {
  for (const part of value.split(',')) {
    const t = part.trim();
    const semi = t.indexOf(';');
    if ((semi < 0 ? t : t.slice(0, semi).trim()).toLowerCase() === token) return true;
  }
  return false;
}

/** Lengths of the header names outgoingHeaders must look at (hop-by-hop, Expect, Host, XFF). */
const specialLength: boolean[] = [];
for (const name of ['connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect', 'host', 'x-forwarded-for']) specialLength[name.length] = true;

/** Removes the headers a `Connection` header named. */
function dropNamed(headers: string[], names: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  for (let i = 0; i < headers.length; i += 2) if (!names.has(headers[i]!.toLowerCase())) kept.push(headers[i]!, headers[i + 1]!);
  return kept;
}

function outgoingPath(exchange: Exchange, target: ServerTarget): string {
  const { path, query } = exchange.request;
  let p = path;
  if (target.basePath !== '') {
    p = target.basePath.endsWith('/') ? target.basePath + path.slice(1) : target.basePath + path;
  }
  if (query === '') return p;
  return `${p}?${query}`;
}

/**
 * Response headers as raw pairs, hop-by-hop headers removed. HTTP/1.1 heads come as raw
 * name/value pairs (Buffers); HTTP/2 heads as Node's header object (`set-cookie` an array).
 */
function responseHeaders(raw: unknown, keepUpgrade = false): string[] {
  const out: string[] = [];
  if (!Array.isArray(raw)) {
    if (raw === null || typeof raw !== 'object') return out;
    for (const [name, value] of Object.entries(raw as Record<string, string | string[] | undefined>)) {
      if (value === undefined || name.charCodeAt(0) === 58 /* : */) continue;
      if (isHopByHop(name) || name === 'connection') continue;
      if (Array.isArray(value)) for (const v of value) out.push(name, v);
      else out.push(name, String(value));
    }
    return out;
  }
  let extra: Set<string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const k = String(raw[i]);
    const v = String(raw[i + 1]);
    if (!specialLength[k.length]) {
      out.push(k, v);
      continue;
    }
    const lower = k.toLowerCase();
    if (lower === 'connection') {
      extra = connectionTokens(v, null);
      continue;
    }
    if (isHopByHop(lower) && !(keepUpgrade && lower === 'upgrade')) continue;
    out.push(k, v);
  }
  return extra === null ? out : dropNamed(out, extra);
}

class ForwardHandler implements Dispatcher.DispatchHandler {
  readonly #exchange: Exchange;
  readonly #target: ServerTarget;
  readonly #observer: ForwardObserver | null;
  #status = 0;

  constructor(exchange: Exchange, target: ServerTarget, observer: ForwardObserver | null) {
    this.#exchange = exchange;
    this.#target = target;
    this.#observer = observer;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    const ex = this.#exchange;
    if (ex.clientGone) {
      controller.abort(proxyError('CLIENT_CLOSED'));
      return;
    }
    ex.onClientGone(() => controller.abort(proxyError('CLIENT_CLOSED')));
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number): void {
    if (statusCode < 200 && statusCode !== 101) return; // 1xx informational: not relayed
    this.#status = statusCode;
    const ex = this.#exchange;
    ex.log.originStatus = statusCode;
    if (this.#observer !== null) this.#observer.onHeaders(this.#target, Number(process.hrtime.bigint() - ex.log.originStartNs) / 1e6);
    writeHeadThroughHooks(ex, statusCode, responseHeaders(controller.rawHeaders));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const ex = this.#exchange;
    ex.log.originContentSize += chunk.length;
    if (!ex.response.write(chunk)) {
      controller.pause();
      ex.response.onDrain(() => controller.resume());
    }
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: Record<string, string | string[] | undefined>): void {
    this.#detach();
    const log = this.#exchange.log;
    log.originDurationNs = process.hrtime.bigint() - log.originStartNs;
    this.#exchange.response.end(trailerPairs(trailers));
    this.#observer?.onResult(this.#target, this.#status, null, true);
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.#detach();
    const error = classifyUpstreamError(err, this.#exchange.clientGone);
    this.#observer?.onResult(this.#target, this.#status !== 0 ? this.#status : error.status, err, this.#status !== 0);
    sendProxyError(this.#exchange, error);
  }

  onRequestUpgrade(controller: Dispatcher.DispatchController, statusCode: number, _headers: unknown, socket: Duplex): void {
    this.#detach();
    const ex = this.#exchange;
    const up = ex.upgrade;
    if (up === null) {
      socket.destroy();
      return;
    }
    ex.log.originStatus = statusCode;
    // The 101 head goes through the hooks like any other head, then bytes flow both ways.
    writeHeadThroughHooks(ex, statusCode, responseHeaders(controller.rawHeaders, true));
    this.#observer?.onResult(this.#target, statusCode, null, true);
    spliceSockets(up.socket, socket, up.head);
  }

  #detach(): void {
    this.#exchange.onClientGone(null);
  }
}

/** Joins the client and server sockets of an upgraded connection; either end closing closes both. */
function spliceSockets(client: Duplex, server: Duplex, head: Buffer): void {
  if (head.length > 0) server.write(head);
  const close = (): void => {
    client.destroy();
    server.destroy();
  };
  client.on('error', close).on('close', close);
  server.on('error', close).on('close', close);
  server.pipe(client);
  client.pipe(server);
  client.resume();
}

/** Forwards the exchange to `target`. The response (or error) is written to the exchange. */
export function forward(exchange: Exchange, target: ServerTarget, options: ForwardOptions, observer: ForwardObserver | null = null): void {
  const log = exchange.log;
  log.serviceUrl = target.url;
  log.serviceAddr = target.address;
  log.originStartNs = process.hrtime.bigint();
  const headers = outgoingHeaders(exchange, target, options);
  const upgrade = exchange.upgrade !== null ? upgradeProtocol(exchange.request.headers) : null;
  const handler = new ForwardHandler(exchange, target, observer);
  try {
    target.pool.dispatch(
      {
        method: exchange.request.method,
        path: outgoingPath(exchange, target),
        headers,
        body: upgrade !== null ? null : exchange.body,
        upgrade,
        // Bodies are streamed; undici must not retry or reorder what it cannot replay.
        idempotent: false,
      },
      handler,
    );
  } catch (err) {
    const error = classifyUpstreamError(err, false);
    observer?.onResult(target, error.status, err as Error, false);
    sendProxyError(exchange, error);
  }
}

function upgradeProtocol(headers: readonly string[]): string | null {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() === 'upgrade') return headers[i + 1]!;
  }
  return null;
}

/**
 * The server's trailers as raw pairs (gRPC's grpc-status lives there), without the fields a
 * trailer may never carry (RFC 9110 §6.5.1: framing, routing and hop-by-hop fields).
 */
function trailerPairs(trailers: Record<string, string | string[] | undefined> | undefined): string[] | undefined {
  if (trailers === undefined) return undefined;
  const out: string[] = [];
  for (const [name, value] of Object.entries(trailers)) {
    if (value === undefined || forbiddenInTrailers.has(name.toLowerCase()) || isHopByHop(name.toLowerCase())) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push(name, v);
  }
  return out.length > 0 ? out : undefined;
}

const forbiddenInTrailers: ReadonlySet<string> = new Set(['content-length', 'content-type', 'content-encoding', 'content-range', 'host', 'authorization', 'set-cookie', 'trailer']);
