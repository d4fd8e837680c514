/**
 * Forwarding one TCP connection to one server (Traefik pkg/tcp/proxy.go): dial, then copy bytes
 * both ways with backpressure until both directions have ended.
 *
 * Half-close, as Traefik does it: when one side ends its writing (FIN), the other side's
 * writing is ended too, and the connection is closed for good `terminationDelay` later unless
 * the other direction has ended by then; a negative delay never forces it. An error on either
 * side, or a server that cannot be dialed, closes the client connection. There is no retry on
 * another server (Traefik has none).
 */
import type { Socket } from 'node:net';
import { finished, type Writable } from 'node:stream';
import { formatDuration } from '../../config/duration.ts';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { TcpConnection, TcpHandler } from '../../lib/tcp-connection.ts';
import type { HostPort } from './host-port.ts';
import { dialTcpServer, type TcpDialSettings } from './tcp-dial.ts';

export interface TcpForwardOptions {
  readonly target: HostPort;
  /** `servers[].tls`: TLS to the server. */
  readonly tls: boolean;
  readonly settings: TcpDialSettings;
  readonly clock: Clock;
  /** Told when the server could not be dialed or the copy failed (logging). */
  readonly onError?: (err: Error) => void;
}

/** A handler that forwards every connection it gets to the server. */
export function createTcpForward(options: TcpForwardOptions): TcpHandler {
  return (connection) => forward(connection, options);
}

function forward(connection: TcpConnection, options: TcpForwardOptions): void {
  const { clock, settings } = options;
  const client = connection.socket;
  const controller = new AbortController();
  let dialTimer: TimerHandle | undefined;
  let clientGone = false;
  connection.onClose(() => {
    clientGone = true;
    controller.abort(new Error('the client closed the connection'));
  });
  if (settings.dialTimeoutMs > 0) {
    dialTimer = clock.setTimeout(() => controller.abort(new Error(`dial timeout after ${formatDuration(settings.dialTimeoutMs)}`)), settings.dialTimeoutMs);
  }
  dialTcpServer({
    target: options.target,
    tls: options.tls,
    settings,
    proxied: {
      source: { address: connection.remoteAddress, port: connection.remotePort },
      destination: { address: connection.localAddress, port: connection.localPort },
    },
    signal: controller.signal,
  }).then((server) => {
    clock.clearTimeout(dialTimer);
    if (clientGone) {
      server.destroy();
      return;
    }
    relay(connection, server, options);
  }, (err: unknown) => {
    clock.clearTimeout(dialTimer);
    if (!clientGone) options.onError?.(err as Error);
    connection.close();
  });
  // A client error before the dial completes must not be unhandled; closing is enough.
  client.on('error', () => connection.close());
}

/** Copies both ways; closes both sides once both directions ended or after the termination delay. */
function relay(connection: TcpConnection, server: Socket, options: TcpForwardOptions): void {
  const client = connection.socket;
  const { clock } = options;
  const delay = options.settings.terminationDelayMs;
  let ended = 0;
  let closed = false;
  let forceTimer: TimerHandle | undefined;

  /** Closes both sides now; whatever is still buffered is dropped. */
  const closeBoth = (): void => {
    if (closed) return;
    closed = true;
    clock.clearTimeout(forceTimer);
    client.unpipe(server);
    server.unpipe(client);
    server.destroy();
    connection.close();
  };
  const onError = (err: Error): void => {
    if (!closed) options.onError?.(err);
    closeBoth();
  };
  /** One direction ended: end the other side's writing, and give it `delay` to finish. */
  const oneEnded = (to: Writable): void => {
    to.end();
    if (++ended === 2) {
      // Both directions are done: close once what is buffered has been written.
      clock.clearTimeout(forceTimer);
      let flushed = 0;
      const onFlushed = (): void => {
        if (++flushed === 2) closeBoth();
      };
      finished(client, { readable: false }, onFlushed);
      finished(server, { readable: false }, onFlushed);
      return;
    }
    if (delay >= 0) forceTimer = clock.setTimeout(closeBoth, delay);
  };

  server.on('error', onError);
  client.on('error', onError);
  server.once('close', () => {
    if (ended < 2) closeBoth();
  });
  connection.onClose(closeBoth);
  // A client that sent nothing may have ended while the server was being dialed.
  if (client.readableEnded) oneEnded(server);
  else client.once('end', () => oneEnded(server));
  server.once('end', () => oneEnded(client));
  client.pipe(server, { end: false });
  server.pipe(client, { end: false });
}
