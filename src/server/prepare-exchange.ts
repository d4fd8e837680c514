/**
 * What every engine does with a request head before routing sees it, so that `node:http`,
 * `node:http2` and the raw-socket HTTP/1.1 engine build the same Exchange for the same request:
 * the routing path (absolute-form reduced to its path, percent-normalised, sanitised), the query
 * with `;` handled, the canonical host, X-Forwarded-* applied, a 400 for a target that cannot be
 * routed. Also the dispatch with its 500 fallback and the in-flight count for graceful stops.
 */
import type { Socket } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import type { Exchange, ExchangeLog, ResponseSink } from '../lib/exchange.ts';
import { getHeader, newExchangeLog } from '../lib/exchange.ts';
import { applyForwardedHeaders, type ForwardedHeadersOptions } from '../proxy/forwarded-headers.ts';
import { proxyError, sendProxyError } from '../proxy/proxy-error.ts';
import { canonicalHost, normalizePath, sanitizePath } from '../rules/routing-path.ts';
import { NodeExchange, NodeRequestHead } from './node-exchange.ts';

/** The entry point settings that shape an Exchange. */
export interface ExchangeSettings {
  readonly name: string;
  readonly forwarded: ForwardedHeadersOptions;
  readonly sanitizePath: boolean;
  readonly encodeQuerySemicolons: boolean;
}

/** A request head as an engine read it. */
export interface ReceivedHead {
  readonly method: string;
  /** The request target as sent (origin-form, absolute-form or `*`). */
  readonly target: string;
  /** Raw pairs; routing and middlewares edit this array in place. */
  readonly headers: string[];
  /** `1.0`, `1.1` or `2.0`. */
  readonly httpVersion: string;
  /** The connection, whose PROXY protocol and TLS facts the head reports. */
  readonly socket: Socket | null;
}

/**
 * Builds the exchange for a request, or answers 400 itself and returns null (a target whose path
 * cannot be routed: a bad absolute-form URL, `#`, a percent-encoding that does not decode).
 * `sink` makes the response sink once the exchange's log exists.
 */
export function prepareExchange(settings: ExchangeSettings, request: ReceivedHead, sink: (log: ExchangeLog) => ResponseSink,
  body: Readable | null, upgrade: { socket: Duplex; head: Buffer } | null): NodeExchange | null {
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
  if (!bad && settings.sanitizePath && path !== '*' && (path.includes('/.') || path.includes('//'))) path = sanitizePath(path);
  if (query.includes(';')) query = settings.encodeQuerySemicolons ? query.replaceAll(';', '%3B') : query.replaceAll(';', '&');
  const log = newExchangeLog(startNs, path, query);
  const host = canonicalHost(getHeader(request.headers, 'host') ?? '');
  const head = new NodeRequestHead(request.method, request.headers, request.httpVersion, request.socket, path, query, host, settings.name);
  const ex = new NodeExchange(head, body, sink(log), upgrade, log);
  if (bad) {
    sendProxyError(ex, proxyError('BAD_REQUEST'));
    return null;
  }
  applyForwardedHeaders(head, settings.forwarded, upgrade !== null && isWebSocket(request.headers));
  return ex;
}

/** Routes one exchange; a handler that throws (a bug, not a user mistake) gets a 500 and serving goes on. */
export function dispatchExchange(dispatch: (exchange: Exchange) => void, ex: Exchange): void {
  try {
    dispatch(ex);
  } catch (err) {
    sendProxyError(ex, proxyError('INTERNAL', undefined, err));
  }
}

/** Counts requests in flight and wakes whoever waits for none (graceful stop). */
export interface InFlightCounter {
  readonly count: number;
  started(): void;
  finished(): void;
  /** Resolves when no request is in flight (at once when none is). */
  whenIdle(): Promise<void>;
}

export function createInFlightCounter(): InFlightCounter {
  let count = 0;
  let waiters: (() => void)[] = [];
  return {
    get count() {
      return count;
    },
    started() {
      count++;
    },
    finished() {
      count--;
      if (count === 0 && waiters.length > 0) {
        const w = waiters;
        waiters = [];
        for (const f of w) f();
      }
    },
    whenIdle() {
      if (count === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}

function isWebSocket(headers: readonly string[]): boolean {
  const up = getHeader(headers, 'upgrade');
  return up !== undefined && up.toLowerCase() === 'websocket';
}
