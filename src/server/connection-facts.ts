/**
 * What the entry point learned about a connection before HTTP saw it: the client address a
 * trusted PROXY protocol header gave, and the TLS facts of a terminated connection. Kept on the
 * socket under a symbol, so HTTP/1.1 (whose requests carry the socket) and HTTP/2 (whose
 * requests carry a proxy of the session's socket that forwards property reads) find it alike.
 */
import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { TlsFacts } from '../lib/exchange.ts';

export interface ConnectionFacts {
  /** The client's address: the PROXY protocol source from a trusted peer, else the TCP peer. */
  readonly clientAddress: string;
  readonly clientPort: number;
  /** The address the client connected to, from a trusted PROXY header (else the socket's). */
  readonly localAddress?: string;
  readonly localPort?: number;
  readonly tls: TlsFacts | undefined;
}

const factsKey = Symbol('switchyard.connectionFacts');

interface WithFacts {
  [factsKey]?: ConnectionFacts;
}

/** Records the facts of a connection on its socket (and on any socket wrapping it). */
export function setConnectionFacts(socket: object, facts: ConnectionFacts): void {
  (socket as WithFacts)[factsKey] = facts;
}

/** The facts recorded on a socket, or undefined for a plain connection nobody annotated. */
export function connectionFacts(socket: object | null | undefined): ConnectionFacts | undefined {
  if (socket === null || socket === undefined) return undefined;
  return (socket as WithFacts)[factsKey];
}

/** TLS facts of an established server-side TLS socket, with the options it was accepted with. */
export function tlsFactsOf(socket: TLSSocket, options: string): TlsFacts {
  return new SocketTlsFacts(socket, options);
}

/** Reads the peer chain only when asked (passTLSClientCert), once. */
class SocketTlsFacts implements TlsFacts {
  readonly version: string;
  readonly cipher: string;
  readonly serverName: string;
  readonly alpn: string;
  readonly options: string;
  readonly #socket: TLSSocket;
  #chain: readonly X509Certificate[] | undefined;

  constructor(socket: TLSSocket, options: string) {
    this.#socket = socket;
    this.version = socket.getProtocol() ?? '';
    this.cipher = socket.getCipher()?.name ?? '';
    const sni = (socket as TLSSocket & { servername?: string | false }).servername;
    this.serverName = typeof sni === 'string' ? sni.toLowerCase() : '';
    this.alpn = typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : '';
    this.options = options;
  }

  get peerCertificates(): readonly X509Certificate[] {
    if (this.#chain === undefined) this.#chain = peerChain(this.#socket);
    return this.#chain;
  }
}

function peerChain(socket: TLSSocket): readonly X509Certificate[] {
  const leaf = socket.getPeerX509Certificate();
  if (leaf === undefined) return [];
  const chain: X509Certificate[] = [leaf];
  // getPeerCertificate(true) links issuers; the X509Certificate objects come from the raw DER.
  let detailed = socket.getPeerCertificate(true) as { raw?: Buffer; issuerCertificate?: unknown } | null;
  const seen = new Set<string>();
  for (let i = 0; i < 10 && detailed?.issuerCertificate !== undefined && detailed.issuerCertificate !== detailed; i++) {
    detailed = detailed.issuerCertificate as { raw?: Buffer; issuerCertificate?: unknown };
    const raw = detailed.raw;
    if (raw === undefined) break;
    const key = raw.toString('base64');
    if (seen.has(key)) break;
    seen.add(key);
    const cert = new (leaf.constructor as typeof X509Certificate)(raw);
    // Node gives the verified chain, up to the trusted root; Go gives what the client sent,
    // which leaves the self-signed root out. Keep the intermediates only.
    if (cert.issuer === cert.subject) break;
    chain.push(cert);
  }
  return chain;
}
