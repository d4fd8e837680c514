/**
 * The engine seam for TCP routing: what TCP middlewares and TCP services see of one accepted
 * connection. The TCP entry point (with its SNI peek) implements it; tests implement it on
 * plain `net` sockets.
 */
import type { Duplex } from 'node:stream';

export interface TcpConnection {
  /** The client's IP (the TCP peer, or the PROXY protocol source from a trusted peer). */
  readonly remoteAddress: string;
  /** The client's port (the TCP peer's, or the PROXY protocol source port from a trusted peer). */
  readonly remotePort: number;
  /**
   * The address the client connected to: the entry point's local address, or the PROXY protocol
   * destination from a trusted peer. TCP services send it in PROXY headers to servers.
   */
  readonly localAddress: string;
  /** The port the client connected to (same origin as localAddress). */
  readonly localPort: number;
  /** The byte stream, positioned after anything the entry point peeked and replays. */
  readonly socket: Duplex;
  /** Closes the connection; calling it again does nothing. */
  close(): void;
  /** Calls `listener` once when the connection is closed, from either side. */
  onClose(listener: () => void): void;
}

/** Handles one TCP connection (a TCP service, or a middleware in front of one). */
export type TcpHandler = (connection: TcpConnection) => void;
