/**
 * One UDP session: the datagrams of one client (ip:port) relayed to the server picked when the
 * session started, through a socket connected to that server, and the server's replies handed
 * back to be sent from the entry point's socket (Traefik pkg/udp/proxy.go, conn.go).
 *
 * The session ends after `timeoutMs` without a datagram in either direction (Traefik's
 * `udp.timeout`, measured on the injected clock), on a socket error, or when closed.
 * Datagrams that arrive while the socket towards the server is still connecting (name lookup)
 * are queued, up to a bound; beyond it they are dropped, as a congested network would.
 */
import type { Buffer } from 'node:buffer';
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { UdpServerTarget } from './built-udp-service.ts';

/** Datagrams kept while the socket towards the server connects. */
export const udpSessionQueueLimit = 64;

export interface UdpSessionOptions {
  readonly target: UdpServerTarget;
  readonly clock: Clock;
  /** Idle timeout in ms (> 0). */
  readonly timeoutMs: number;
  /** Sends a reply from the server to the client. */
  readonly reply: (message: Buffer) => void;
  /** Called once when the session has ended, whatever the reason. */
  readonly onClose: () => void;
  /** Told about socket errors towards the server (logging). */
  readonly onError?: (err: Error) => void;
}

export interface UdpSession {
  readonly target: UdpServerTarget;
  /** Relays a datagram from the client to the server. */
  send(message: Buffer): void;
  /** Ends the session now; calling it again does nothing. */
  close(): void;
}

/** Opens a session towards `target`. */
export function createUdpSession(options: UdpSessionOptions): UdpSession {
  const { clock, timeoutMs, target } = options;
  const socket: Socket = createSocket(isIP(target.host) === 6 ? 'udp6' : 'udp4');
  let connected = false;
  let closed = false;
  let queue: Buffer[] = [];
  let lastActivity = clock.now();
  let timer: TimerHandle | undefined;

  const close = (): void => {
    if (closed) return;
    closed = true;
    clock.clearTimeout(timer);
    queue = [];
    socket.close();
    options.onClose();
  };

  /** Fires when the session may have gone idle; re-arms for the rest of the timeout otherwise. */
  const arm = (): void => {
    const idleFor = clock.now() - lastActivity;
    if (idleFor >= timeoutMs) {
      close();
      return;
    }
    timer = clock.setTimeout(arm, timeoutMs - idleFor);
  };
  const touch = (): void => {
    lastActivity = clock.now();
  };

  socket.on('error', (err) => {
    if (!closed) options.onError?.(err);
    close();
  });
  socket.on('message', (message) => {
    if (closed) return;
    touch();
    options.reply(message);
  });
  // No callback: with one, Node hands a failed lookup to it instead of emitting 'error'.
  socket.once('connect', () => {
    if (closed) return;
    connected = true;
    for (const message of queue) socket.send(message);
    queue = [];
  });
  socket.connect(target.port, target.host);
  timer = clock.setTimeout(arm, timeoutMs);

  return {
    target,
    send(message) {
      if (closed) return;
      touch();
      if (connected) socket.send(message);
      else if (queue.length < udpSessionQueueLimit) queue.push(message);
    },
    close,
  };
}
