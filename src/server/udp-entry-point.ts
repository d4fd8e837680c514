/**
 * A UDP entry point (an `address` ending in `/udp`): one datagram socket, and one session per
 * client address (ip:port). The first datagram of a client asks the entry point's UDP route for
 * a server and opens a session towards it; the server's replies go back to the client from this
 * socket; a session idle for `udp.timeout` (Traefik default 3s) is closed, on the injected clock.
 *
 * Reloads: setHandler() swaps the route for new sessions. An existing session keeps running on
 * its server when the new route has the same service and that service still has the server;
 * otherwise it is closed and the client's next datagram starts a new one. (Traefik keeps every
 * session on its old handler until it times out, even when the service was removed.)
 *
 * A datagram that arrives with no route, or whose service has no server to give, is dropped.
 */
import type { Buffer } from 'node:buffer';
import { createSocket, type RemoteInfo, type Socket, type SocketType } from 'node:dgram';
import { isIP } from 'node:net';
import type { Clock } from '../lib/clock.ts';
import type { BuiltUdpService } from '../services/udp/built-udp-service.ts';
import { createUdpSession, type UdpSession } from '../services/udp/udp-session.ts';

/** What the entry point dispatches to: the effective UDP router of this entry point. */
export interface UdpRoute {
  /** Qualified router name (logs). */
  readonly routerName: string;
  /** Qualified service name: sessions survive a reload that keeps it. */
  readonly serviceName: string;
  readonly service: BuiltUdpService;
}

export interface UdpEntryPointOptions {
  readonly name: string;
  /** Address to bind; '' = every interface (IPv6 and IPv4 when the host has IPv6). */
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly clock: Clock;
  /** Session idle timeout in ms (`entryPoints.<name>.udp.timeout`). */
  readonly timeoutMs: number;
  /** Told about socket errors (logging); `client` is set for a session's errors. */
  readonly onError?: (err: Error, client?: string) => void;
  /** Told about each datagram dropped for want of a route or a server (metrics, debug logs, tests). */
  readonly onDropped?: (client: string, reason: 'no route' | 'no server' | 'stopping') => void;
}

export interface UdpEntryPoint {
  readonly name: string;
  /** Binds the socket; resolves with the bound address. */
  listen(): Promise<{ host: string; port: number }>;
  /** Swaps the route (null: none; datagrams from new clients are dropped). */
  setHandler(route: UdpRoute | null): void;
  /** Open sessions (API, tests). */
  sessionCount(): number;
  /**
   * Graceful stop (Traefik's UDP Listener.Shutdown): datagrams from new clients are dropped at
   * once, open sessions go on until they end (idle timeout) or `graceTimeoutMs` has passed on the
   * clock; then everything is closed.
   */
  shutdown(graceTimeoutMs: number): Promise<void>;
  /** Closes every session and the socket now. */
  close(): Promise<void>;
}

interface Session {
  readonly serviceName: string;
  readonly session: UdpSession;
}

/** Creates the entry point; nothing is bound until listen(). */
export function createUdpEntryPoint(options: UdpEntryPointOptions): UdpEntryPoint {
  const { clock, timeoutMs } = options;
  if (!(timeoutMs > 0)) {
    // A session could not outlive its first datagram; the static configuration should refuse it first.
    throw new RangeError(`entryPoints.${options.name}.udp.timeout must be greater than zero, got ${timeoutMs}ms`);
  }
  const sessions = new Map<string, Session>();
  let route: UdpRoute | null = null;
  let socket: Socket | null = null;
  let accepting = true;
  /** Called whenever a session ends (shutdown waits on it). */
  let onSessionEnd: () => void = () => undefined;

  const onMessage = (message: Buffer, from: RemoteInfo): void => {
    const key = `${from.address}|${from.port}`;
    const existing = sessions.get(key);
    if (existing !== undefined) {
      existing.session.send(message);
      return;
    }
    if (!accepting) {
      options.onDropped?.(key, 'stopping');
      return;
    }
    const current = route;
    if (current === null || socket === null) {
      options.onDropped?.(key, 'no route');
      return;
    }
    const target = current.service.pick();
    if (target === undefined) {
      options.onDropped?.(key, 'no server');
      return;
    }
    const out = socket;
    const session = createUdpSession({
      target,
      clock,
      timeoutMs,
      reply: (reply) => out.send(reply, from.port, from.address),
      onClose: () => {
        if (sessions.get(key)?.session === session) sessions.delete(key);
        onSessionEnd();
      },
      onError: (err) => options.onError?.(err, key),
    });
    sessions.set(key, { serviceName: current.serviceName, session });
    session.send(message);
  };

  const close = async (): Promise<void> => {
    accepting = false;
    for (const { session } of [...sessions.values()]) session.close();
    const s = socket;
    socket = null;
    if (s === null) return;
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  return {
    name: options.name,
    async listen() {
      const bound = await bind(options.host, options.port, (err) => options.onError?.(err));
      socket = bound;
      bound.on('message', onMessage);
      const address = bound.address();
      return { host: address.address, port: address.port };
    },
    setHandler(next) {
      route = next;
      for (const { serviceName, session } of [...sessions.values()]) {
        const kept = next !== null && next.serviceName === serviceName && next.service.servers.has(session.target.address);
        if (!kept) session.close();
      }
    },
    sessionCount: () => sessions.size,
    async shutdown(graceTimeoutMs) {
      accepting = false;
      if (sessions.size > 0 && graceTimeoutMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = clock.setTimeout(resolve, graceTimeoutMs);
          onSessionEnd = () => {
            if (sessions.size > 0) return;
            clock.clearTimeout(timer);
            resolve();
          };
        });
      }
      await close();
    },
    close,
  };
}

/** Binds a datagram socket of the family `host` calls for; all interfaces: IPv6 dual-stack, else IPv4. */
async function bind(host: string, port: number, onError: (err: Error) => void): Promise<Socket> {
  if (host !== '') return bindOne(isIP(host) === 6 ? 'udp6' : 'udp4', host, port, onError);
  try {
    return await bindOne('udp6', '::', port, onError);
  } catch (err) {
    // A host without IPv6.
    if ((err as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT' && (err as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL') throw err;
    return bindOne('udp4', '0.0.0.0', port, onError);
  }
}

function bindOne(type: SocketType, host: string, port: number, onError: (err: Error) => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type });
    const fail = (err: Error): void => {
      try {
        socket.close();
      } catch {
        // Never bound: nothing to close.
      }
      reject(err);
    };
    socket.once('error', fail);
    socket.bind(port, host, () => {
      socket.removeListener('error', fail);
      // After binding, errors (an ICMP-triggered send failure) are reported, never fatal.
      socket.on('error', onError);
      resolve(socket);
    });
  });
}
