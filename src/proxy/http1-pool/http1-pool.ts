/**
 * The raw HTTP/1.1 pool: connections to one server over `net.Socket`/`tls.TLSSocket`, speaking
 * HTTP/1.1 through Switchyard's own codec (src/http1), behind undici's Dispatcher surface so
 * forward.ts, the health probes and forwardAuth use it exactly as they use an undici Pool
 * (`dispatch(options, handler)` with the controller-style handler, plus undici's `request()`
 * and friends, which Dispatcher builds on `dispatch`).
 *
 * Policy:
 * - One request per connection at a time (no pipelining); as many connections as requests need,
 *   as Go and the undici pools configured in upstream-pools.ts do.
 * - Idle connections are reused last-in first-out: the warmest connection serves next and the
 *   coldest ones age out. They close after `idleConnTimeoutMs`, or earlier when the server's
 *   `Keep-Alive: timeout=N` says it will close them first (minus undici's 2 s margin); at most
 *   `maxIdleConns` stay (the oldest goes first); a negative `maxIdleConns` turns reuse off
 *   (`connection: close` on every request).
 * - A request is retried, on a freshly dialled connection, only when a reused connection was
 *   found closed before any byte of the request had been written to it (the stale keep-alive
 *   race). Never otherwise: once bytes are out, the server may have acted on them.
 * - Before a reused connection takes a request, the pool yields to the event loop once (as
 *   undici does) so a close or stray bytes the server sent while it was idle are seen first.
 * - Errors carry undici's codes (UND_ERR_CONNECT_TIMEOUT, UND_ERR_HEADERS_TIMEOUT,
 *   UND_ERR_SOCKET, Node's ECONNREFUSED/ECONNRESET, …), so classifyUpstreamError maps them the
 *   same way.
 */
import type { Socket } from 'node:net';
import { Dispatcher, errors, type buildConnector } from 'undici';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { Http1Limits } from '../../http1/limits.ts';
import { PoolConnection, type ConnectionOwner } from './pool-connection.ts';
import { PoolRequest } from './pool-request.ts';
import { buildRequestHead } from './request-head.ts';
import { toRequestBody } from './request-writer.ts';

export interface Http1PoolOptions {
  /** Opens one connection to the server (upstream-connector.ts: dial timeout, TLS, SNI). */
  readonly connect: buildConnector.connector;
  /** Timers for idle connections, response header timeouts and Expect: 100-continue. */
  readonly clock: Clock;
  /** Wait this long for the response head once the request is written; 0 = no limit. */
  readonly responseHeaderTimeoutMs: number;
  /** Close idle connections after this long; 0 = no limit. */
  readonly idleConnTimeoutMs: number;
  /** Idle connections kept at most; negative = no connection reuse. */
  readonly maxIdleConns: number;
  /** Codec limits for response heads; the codec's defaults otherwise. */
  readonly limits?: Partial<Http1Limits>;
}

/** undici's PoolStats shape. */
export interface Http1PoolStats {
  readonly connected: number;
  readonly free: number;
  readonly pending: number;
  readonly queued: number;
  readonly running: number;
  readonly size: number;
}

/** undici keeps this much margin under a server's announced keep-alive timeout. */
const keepAliveMarginMs = 2000;

export class Http1Pool extends Dispatcher implements ConnectionOwner {
  /** True after close() or destroy(). */
  closed = false;
  /** True after destroy(), or once close() finished. */
  destroyed = false;
  readonly #origin: URL;
  readonly #options: Http1PoolOptions;
  readonly #host: string;
  readonly #connectTarget: { hostname: string; host: string; protocol: string; port: string };
  /** Idle connections, the most recently used last. */
  readonly #idle: PoolConnection[] = [];
  readonly #busy = new Set<PoolConnection>();
  #dialling = 0;
  #sweepTimer: TimerHandle | null = null;
  #sweepAt = Infinity;
  #closeWaiters: (() => void)[] = [];

  constructor(origin: string, options: Http1PoolOptions) {
    super();
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new errors.InvalidArgumentError(`the raw HTTP/1.1 pool speaks http and https, not ${url.protocol}`);
    this.#origin = url;
    this.#options = options;
    this.#host = url.host;
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    this.#connectTarget = { hostname, host: url.host, protocol: url.protocol, port: url.port || (url.protocol === 'https:' ? '443' : '80') };
  }

  get stats(): Http1PoolStats {
    const running = this.#busy.size;
    return { connected: this.#idle.length + running, free: this.#idle.length, pending: this.#dialling, queued: 0, running, size: running + this.#dialling };
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (handler === null || typeof handler !== 'object') throw new errors.InvalidArgumentError('handler must be an object');
    let request: PoolRequest;
    try {
      if (options === null || typeof options !== 'object') throw new errors.InvalidArgumentError('opts must be an object.');
      if (this.destroyed) throw new errors.ClientDestroyedError();
      if (this.closed) throw new errors.ClientClosedError();
      assertHandler(handler, options.upgrade != null && options.upgrade !== false);
      const head = buildRequestHead(options, this.#host, this.#options.maxIdleConns >= 0);
      const headersTimeout = options.headersTimeout == null ? null : options.headersTimeout;
      request = new PoolRequest(head, toRequestBody(options.body), handler, headersTimeout);
    } catch (err) {
      // undici's DispatcherBase: errors before the request exists go to the handler.
      if (typeof handler.onResponseError !== 'function') throw err;
      handler.onResponseError(null as unknown as Dispatcher.DispatchController, err as Error);
      return false;
    }
    if (!request.start()) return true;
    this.#run(request);
    return true;
  }

  /** Runs `request` on the warmest idle connection, or on a new one. */
  #run(request: PoolRequest): void {
    const connection = this.#takeIdle();
    if (connection === null) {
      this.#dial(request);
      return;
    }
    this.#busy.add(connection);
    connection.run(request, true);
  }

  #takeIdle(): PoolConnection | null {
    const now = this.#options.clock.now();
    for (let c = this.#idle.pop(); c !== undefined; c = this.#idle.pop()) {
      if (c.idleDeadline > now && c.usable) return c;
      c.destroy(null);
    }
    return null;
  }

  #dial(request: PoolRequest): void {
    this.#dialling++;
    this.#options.connect(this.#connectTarget, (err: Error | null, socket: Socket | null) => {
      this.#dialling--;
      if (err !== null || socket === null) {
        request.fail(err ?? new errors.SocketError('connect failed'));
        this.#maybeClosed();
        return;
      }
      if (this.destroyed) {
        socket.destroy();
        request.fail(new errors.ClientDestroyedError());
        this.#maybeClosed();
        return;
      }
      const connection = new PoolConnection(socket, this, this.#options);
      if (request.done) {
        // The request went away while dialling; the connection is still good for the next one.
        this.connectionIdle(connection, Infinity);
        return;
      }
      this.#busy.add(connection);
      connection.run(request, false);
    });
  }

  /** ConnectionOwner: the request on a reused connection saw the connection die before any byte was written. */
  retry(request: PoolRequest): void {
    if (request.done) return;
    if (this.destroyed) {
      request.fail(new errors.ClientDestroyedError());
      return;
    }
    this.#dial(request);
  }

  /** ConnectionOwner: `connection` finished its request and may serve another until `keepAliveUntil`. */
  connectionIdle(connection: PoolConnection, keepAliveUntil: number): void {
    this.#busy.delete(connection);
    const { maxIdleConns, idleConnTimeoutMs, clock } = this.#options;
    if (this.closed || maxIdleConns < 0) {
      connection.destroy(null);
      this.#maybeClosed();
      return;
    }
    const now = clock.now();
    let deadline = idleConnTimeoutMs > 0 ? now + idleConnTimeoutMs : Infinity;
    if (keepAliveUntil !== Infinity) deadline = Math.min(deadline, keepAliveUntil - keepAliveMarginMs);
    if (deadline <= now) {
      connection.destroy(null);
      return;
    }
    connection.idleDeadline = deadline;
    connection.idleSince = now;
    // Idle connections must not hold the process open (undici unrefs them too).
    connection.socket.unref();
    while (this.#idle.length >= maxIdleConns && this.#idle.length > 0) this.#idle.shift()!.destroy(null);
    if (maxIdleConns === 0) {
      connection.destroy(null);
      return;
    }
    this.#idle.push(connection);
    if (deadline < this.#sweepAt) this.#armSweep(deadline);
  }

  /** ConnectionOwner: `connection` is closed (or handed over on upgrade). */
  connectionGone(connection: PoolConnection): void {
    this.#busy.delete(connection);
    const i = this.#idle.indexOf(connection);
    if (i >= 0) this.#idle.splice(i, 1);
    this.#maybeClosed();
  }

  #armSweep(at: number): void {
    const { clock } = this.#options;
    if (this.#sweepTimer !== null) clock.clearTimeout(this.#sweepTimer);
    this.#sweepAt = at;
    this.#sweepTimer = unref(clock.setTimeout(() => this.#sweep(), Math.max(0, at - clock.now())));
  }

  /** Closes idle connections past their deadline; re-arms for the next one. */
  #sweep(): void {
    this.#sweepTimer = null;
    this.#sweepAt = Infinity;
    const now = this.#options.clock.now();
    let next = Infinity;
    for (const c of [...this.#idle]) {
      if (c.idleDeadline <= now) c.destroy(null);
      else next = Math.min(next, c.idleDeadline);
    }
    if (next !== Infinity) this.#armSweep(next);
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const done = new Promise<void>((resolve) => {
      this.closed = true;
      this.#closeWaiters.push(resolve);
      for (const c of [...this.#idle]) c.destroy(null);
      this.#maybeClosed();
    });
    if (callback === undefined) return done;
    void done.then(callback);
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const callback = typeof a === 'function' ? a : b;
    const err = typeof a === 'function' || a === undefined ? null : a;
    const done = new Promise<void>((resolve) => {
      this.closed = true;
      this.destroyed = true;
      this.#closeWaiters.push(resolve);
      const reason = err ?? new errors.ClientDestroyedError();
      for (const c of [...this.#idle, ...this.#busy]) c.destroy(reason);
      this.#maybeClosed();
    });
    if (callback === undefined) return done;
    void done.then(callback);
  }

  /** Settles close()/destroy() once nothing is open or dialling. */
  #maybeClosed(): void {
    if (!this.closed || this.#busy.size > 0 || this.#idle.length > 0 || this.#dialling > 0) return;
    this.destroyed = true;
    if (this.#sweepTimer !== null) {
      this.#options.clock.clearTimeout(this.#sweepTimer);
      this.#sweepTimer = null;
    }
    const waiters = this.#closeWaiters;
    this.#closeWaiters = [];
    for (const w of waiters) w();
  }

  override toString(): string {
    return `Http1Pool(${this.#origin.origin})`;
  }
}

const upgradeCallbacks: readonly (keyof Dispatcher.DispatchHandler)[] = ['onRequestStart', 'onResponseError', 'onRequestUpgrade'];
const responseCallbacks: readonly (keyof Dispatcher.DispatchHandler)[] = ['onRequestStart', 'onResponseError', 'onResponseStart', 'onResponseData', 'onResponseEnd'];

/** undici's assertRequestHandler: a handler that would work with one engine works with both. */
function assertHandler(handler: Dispatcher.DispatchHandler, upgrade: boolean): void {
  for (const name of upgrade ? upgradeCallbacks : responseCallbacks) {
    if (typeof handler[name] !== 'function') throw new errors.InvalidArgumentError(`invalid ${name} method`);
  }
}

/** System timers must not hold the process open for idle connections. */
function unref(timer: TimerHandle): TimerHandle {
  (timer as { unref?: () => void } | null)?.unref?.();
  return timer;
}
