/**
 * Upstream connection pools, keyed by origin and transport settings and ref-counted, so that a
 * reload which keeps a server keeps its warm connections (DESIGN.md: state outside the build).
 *
 * One undici Pool per (origin, settings). The origin's scheme picks the protocol, as Traefik's
 * transport does (reference §1.3.1, §1.3.6):
 * - `http://`: HTTP/1.1.
 * - `https://`: TLS; HTTP/2 when the server selects `h2` in ALPN, HTTP/1.1 otherwise, unless
 *   `disableHTTP2` (then ALPN offers `http/1.1` only).
 * - `h2c://`: HTTP/2 over cleartext with prior knowledge.
 * Upgrade requests (WebSocket) always go over HTTP/1.1, through a sibling pool made on first
 * use, as Traefik's smart round tripper sends them (undici would otherwise try RFC 8441 over h2).
 *
 * `maxIdleConnsPerHost`: Go caps the *idle* connections it keeps, never the open ones, and undici
 * has no idle cap; so the pool opens as many connections as requests need (as Go does), idle ones
 * close after `idleConnTimeout`, and a negative value turns keep-alive off (undici pipelining 0:
 * one request per connection), which is Traefik's "negative disables reuse". A positive value is
 * otherwise not enforced. HTTP/2 connections multiplex up to the server's stream limit.
 *
 * `http1Engine: 'raw'` puts Switchyard's own HTTP/1.1 pool (http1-pool/) in place of undici for
 * every pool that can only speak HTTP/1.1: `http://` servers, `https://` with `disableHTTP2`, and
 * the upgrade siblings. Pools that may negotiate HTTP/2 (`https://` with ALPN `h2`, `h2c://`)
 * stay on undici. The raw pool enforces a positive `maxIdleConnsPerHost` as Go does (idle
 * connections beyond it close).
 */
import { Pool, type Dispatcher } from 'undici';
import { createSystemClock, type Clock } from '../lib/clock.ts';
import { Http1Pool } from './http1-pool/http1-pool.ts';
import { createConnector, sniFor, type ConnectorTls } from './upstream-connector.ts';

/** A client certificate (PEM) presented to servers that ask for one. */
export interface ClientCertificate {
  readonly cert: string;
  readonly key: string;
}

/**
 * The servers transport settings a pool depends on (reference §1.3.6), files already read.
 * Fields after `rootCAs` are optional so that callers describing a plain transport (forwardAuth)
 * need not spell them out; their defaults are Traefik's.
 */
export interface TransportSettings {
  /** Qualified transport name; part of the pool key. */
  readonly name: string;
  readonly dialTimeoutMs: number;
  /** 0 = no limit. */
  readonly responseHeaderTimeoutMs: number;
  /** 0 = no limit. */
  readonly idleConnTimeoutMs: number;
  readonly insecureSkipVerify: boolean;
  /** '' = the server URL's host name. */
  readonly serverName: string;
  /** PEM roots; empty = the system's. */
  readonly rootCAs: readonly string[];
  readonly certificates?: readonly ClientCertificate[];
  /** Default 200; negative disables connection reuse. */
  readonly maxIdleConnsPerHost?: number;
  readonly disableHTTP2?: boolean;
  /** The URI SAN the server certificate must carry; '' or absent = none. */
  readonly peerCertURI?: string;
  /** OpenSSL cipher list; '' or absent = Node's defaults. */
  readonly ciphers?: string;
  readonly minVersion?: ConnectorTls['minVersion'];
  readonly maxVersion?: ConnectorTls['maxVersion'];
  /** HTTP/2 health pings after this much silence; 0 or absent = none. */
  readonly readIdleTimeoutMs?: number;
  /** How long a ping may go unanswered; default 15 s. */
  readonly pingTimeoutMs?: number;
}

export const defaultTransport: TransportSettings = {
  name: 'default@internal',
  dialTimeoutMs: 30_000,
  responseHeaderTimeoutMs: 0,
  idleConnTimeoutMs: 90_000,
  insecureSkipVerify: false,
  serverName: '',
  rootCAs: [],
};

export interface UpstreamPools {
  /**
   * Takes a reference on the pool for `origin` (`scheme://host:port`, scheme `http`, `https` or
   * `h2c`) with `transport`.
   */
  acquire(origin: string, transport: TransportSettings): Pool;
  /** Drops a reference; the pool closes (letting in-flight requests finish) at zero. */
  release(origin: string, transport: TransportSettings): void;
  /** Closes every pool. */
  dispose(): Promise<void>;
  readonly size: number;
}

export interface UpstreamPoolsOptions {
  /** Drives the HTTP/2 read-idle watchdog (and the raw pool's timers); the system clock by default. */
  readonly clock?: Clock;
  /**
   * Who speaks HTTP/1.1 to servers: undici or Switchyard's raw pool (see the header comment).
   * Default: `SWITCHYARD_UPSTREAM_ENGINE`, else undici — so the test rigs that make their own
   * pools run on whichever engine CI selects.
   */
  readonly http1Engine?: Http1Engine;
}

/** The HTTP/1.1 client engine of the upstream pools. */
export type Http1Engine = 'undici' | 'raw';

/**
 * The engine named by `SWITCHYARD_UPSTREAM_ENGINE` (unset or empty: undici), so CI can run every
 * test on both. Anything else is a startup error naming the variable.
 */
export function http1EngineFromEnv(value: string | undefined): Http1Engine {
  if (value === undefined || value === '' || value === 'undici') return 'undici';
  if (value === 'raw') return 'raw';
  throw new Error(`SWITCHYARD_UPSTREAM_ENGINE must be "raw" or "undici", got ${JSON.stringify(value)}`);
}

/** Go's "no limit" for undici timeouts that must be positive (about 24.8 days, the timer maximum). */
const noLimitMs = 2_147_483_647;

/**
 * A Pool that sends the same SNI on every connection whatever the request's Host (undici would
 * otherwise take the Host header, and reconnect whenever it changes), and hands upgrade
 * requests to its HTTP/1.1 sibling.
 */
class UpstreamPool extends Pool {
  readonly #servername: string | null;
  readonly #upgrades: (() => Dispatcher) | null;

  constructor(url: string, options: Pool.Options, servername: string | null, upgrades: (() => Dispatcher) | null) {
    super(url, options);
    this.#servername = servername;
    this.#upgrades = upgrades;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.#upgrades !== null && options.upgrade != null && options.upgrade !== false) return this.#upgrades().dispatch(options, handler);
    if (this.#servername === null) return super.dispatch(options, handler);
    // Any constant works: the connector sets the real SNI; undici only compares it per request.
    return super.dispatch({ ...options, servername: this.#servername } as Dispatcher.DispatchOptions, handler);
  }
}

interface Held {
  readonly pool: Pool;
  /** The HTTP/1.1 sibling for upgrades, if one was made. */
  readonly upgrades: () => Pool | null;
  refs: number;
}

/** Every setting, in a fixed order: equal settings share a pool across reloads. */
function settingsKey(t: TransportSettings): string {
  return JSON.stringify([
    t.name, t.dialTimeoutMs, t.responseHeaderTimeoutMs, t.idleConnTimeoutMs, t.insecureSkipVerify, t.serverName,
    t.rootCAs, t.certificates ?? [], t.maxIdleConnsPerHost ?? 200, t.disableHTTP2 ?? false, t.peerCertURI ?? '',
    t.ciphers ?? '', t.minVersion ?? '', t.maxVersion ?? '', t.readIdleTimeoutMs ?? 0, t.pingTimeoutMs ?? 15_000,
  ]);
}

const keys = new WeakMap<TransportSettings, string>();
function keyOf(origin: string, t: TransportSettings): string {
  let k = keys.get(t);
  if (k === undefined) keys.set(t, (k = settingsKey(t)));
  return `${origin}|${k}`;
}

/** Splits `scheme://host:port`; IPv6 host names come without brackets. */
function parseOrigin(origin: string): { scheme: 'http' | 'https' | 'h2c'; hostname: string; authority: string } {
  const sep = origin.indexOf('://');
  const scheme = origin.slice(0, sep).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'h2c') throw new Error(`unsupported server scheme in ${origin}`);
  const authority = origin.slice(sep + 3);
  const u = new URL(`http://${authority}`);
  const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return { scheme, hostname, authority };
}

function createPool(origin: string, t: TransportSettings, clock: Clock, h1Only: boolean, upgrades: (() => Dispatcher) | null, engine: Http1Engine): Pool {
  const { scheme, hostname, authority } = parseOrigin(origin);
  const h2c = scheme === 'h2c' && !h1Only;
  const allowH2 = scheme === 'https' ? !(t.disableHTTP2 ?? false) && !h1Only : h2c;
  const idle = t.idleConnTimeoutMs > 0 ? t.idleConnTimeoutMs : noLimitMs;
  const readIdle = t.readIdleTimeoutMs ?? 0;
  const tls: ConnectorTls = {
    insecureSkipVerify: t.insecureSkipVerify,
    serverName: t.serverName,
    rootCAs: t.rootCAs,
    certificates: t.certificates ?? [],
    peerCertURI: t.peerCertURI ?? '',
    ciphers: t.ciphers ?? '',
    minVersion: t.minVersion,
    maxVersion: t.maxVersion,
  };
  const connect = createConnector({
    scheme: scheme === 'h2c' ? (h2c ? 'h2c' : 'http') : scheme,
    hostname,
    dialTimeoutMs: t.dialTimeoutMs,
    allowH2,
    tls,
    readIdleTimeoutMs: readIdle,
    pingTimeoutMs: t.pingTimeoutMs ?? 15_000,
    clock,
  });
  if (engine === 'raw' && !allowH2) {
    const maxIdle = t.maxIdleConnsPerHost ?? 200;
    return new Http1Pool(`${scheme === 'https' ? 'https' : 'http'}://${authority}`, {
      connect,
      clock,
      responseHeaderTimeoutMs: t.responseHeaderTimeoutMs,
      idleConnTimeoutMs: t.idleConnTimeoutMs,
      maxIdleConns: maxIdle === 0 ? 200 : maxIdle,
    });
  }
  const options: Pool.Options = {
    connections: null,
    // Keep-alive off when maxIdleConnsPerHost < 0 (see the header comment).
    pipelining: (t.maxIdleConnsPerHost ?? 200) < 0 ? 0 : 1,
    headersTimeout: t.responseHeaderTimeoutMs,
    bodyTimeout: 0,
    keepAliveTimeout: idle,
    keepAliveMaxTimeout: Math.max(idle, 1000),
    connect,
    allowH2,
    ...(h2c ? { useH2c: true } : {}),
    // undici pings every pingInterval; readIdleTimeout 0 means no pings, as in Go.
    ...(allowH2 ? { h2Options: { pingInterval: readIdle } } : {}),
  } as Pool.Options;
  const url = `${scheme === 'https' ? 'https' : 'http'}://${authority}`;
  const servername = scheme === 'https' ? sniFor(hostname, t.serverName) || hostname : null;
  return new UpstreamPool(url, options, servername, upgrades);
}

export function createUpstreamPools(options: UpstreamPoolsOptions = {}): UpstreamPools {
  const clock = options.clock ?? createSystemClock();
  const engine = options.http1Engine ?? http1EngineFromEnv(process.env['SWITCHYARD_UPSTREAM_ENGINE']);
  const pools = new Map<string, Held>();
  const closeHeld = (held: Held): Promise<unknown> => Promise.allSettled([held.pool, held.upgrades()].map((p) => p?.close()));
  return {
    get size() {
      return pools.size;
    },
    acquire(origin, transport) {
      const key = keyOf(origin, transport);
      let held = pools.get(key);
      if (held === undefined) {
        const { scheme } = parseOrigin(origin);
        const mayUseH2 = scheme === 'h2c' || (scheme === 'https' && !(transport.disableHTTP2 ?? false));
        let sibling: Pool | null = null;
        const upgrades = mayUseH2 ? (): Pool => (sibling ??= createPool(origin, transport, clock, true, null, engine)) : null;
        held = { pool: createPool(origin, transport, clock, false, upgrades, engine), upgrades: () => sibling, refs: 0 };
        pools.set(key, held);
      }
      held.refs++;
      return held.pool;
    },
    release(origin, transport) {
      const key = keyOf(origin, transport);
      const held = pools.get(key);
      if (held === undefined) return;
      if (--held.refs > 0) return;
      pools.delete(key);
      for (const p of [held.pool, held.upgrades()]) p?.close().catch(() => p.destroy());
    },
    async dispose() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.allSettled(all.map(closeHeld));
    },
  };
}
