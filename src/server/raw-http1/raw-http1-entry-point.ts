/**
 * The raw-socket engine of an entry point (`entryPoints.<name>.http.engine: raw`): HTTP/1.x
 * connections are served on the socket itself by Http1Connection, with Switchyard's strict
 * parser and no node:http objects per request; HTTP/2 connections (ALPN h2, cleartext prior
 * knowledge) go to the node engine, which stays the HTTP/2 engine. Both build the same
 * Exchange, so nothing above the seam can tell them apart.
 */
import type { Socket } from 'node:net';
import type { Clock } from '../../lib/clock.ts';
import { createHttpEntryPoint, type HttpEntryPoint, type HttpEntryPointOptions } from '../http-entry-point.ts';
import { createInFlightCounter } from '../prepare-exchange.ts';
import { Http1Connection, type Http1ServerContext } from './http1-connection.ts';

export interface RawHttp1EntryPointOptions extends HttpEntryPointOptions {
  /** Drives the read, idle and body deadlines (tests move a manual clock). */
  readonly clock: Clock;
  /**
   * How long a closing connection keeps reading and dropping what the client still sends, so
   * the last response is not lost to a reset (Go's rstAvoidanceDelay). Default 500 ms.
   */
  readonly lingerMs?: number;
}

/** Creates the raw-socket engine of one entry point. */
export function createRawHttp1EntryPoint(options: RawHttp1EntryPointOptions): HttpEntryPoint {
  const h2 = createHttpEntryPoint(options);
  const inFlight = createInFlightCounter();
  const connections = new Set<Http1Connection>();
  const upgraded = new Set<Socket>();
  let stopping = false;

  const context: Http1ServerContext = {
    settings: options,
    dispatch: options.dispatch,
    onDone: options.onDone,
    clock: options.clock,
    readTimeoutMs: options.readTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs,
    lingerMs: options.lingerMs ?? 500,
    // maxHeaderBytes bounds the whole head, request line included, as Go's (Traefik) and
    // node:http's limits do: a long URL is refused only when the head passes it.
    limits: { maxHeaderBytes: options.maxHeaderBytes, maxRequestLineBytes: options.maxHeaderBytes },
    inFlight,
    get stopping() {
      return stopping;
    },
    released(connection) {
      connections.delete(connection);
    },
    upgraded(socket) {
      upgraded.add(socket);
      socket.once('close', () => upgraded.delete(socket));
    },
  };

  return {
    name: options.name,
    get inFlight() {
      return inFlight.count + h2.inFlight;
    },
    serve(socket, protocol) {
      if (protocol === 'h2') {
        h2.serve(socket, protocol);
        return;
      }
      if (stopping || socket.destroyed) {
        socket.destroy();
        return;
      }
      // The listener hands over net.Socket or tls.TLSSocket (a Duplex by the seam's type).
      const connection = new Http1Connection(socket as Socket, context);
      connections.add(connection);
      connection.start();
    },
    stopAccepting() {
      stopping = true;
      h2.stopAccepting();
      for (const connection of [...connections]) connection.stop();
    },
    async whenIdle() {
      await Promise.all([inFlight.whenIdle(), h2.whenIdle()]);
    },
    closeAll() {
      h2.closeAll();
      for (const connection of [...connections]) connection.destroy();
      for (const socket of [...upgraded]) socket.destroy();
    },
  };
}
