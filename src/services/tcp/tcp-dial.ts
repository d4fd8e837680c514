/**
 * Dialing a TCP server the way a TCP servers transport says (Traefik pkg/tcp/dialer.go): connect
 * with keep-alive, write the PROXY protocol header when asked, then the TLS handshake when the
 * server is `tls: true`. The header goes before the handshake, as Traefik's TLS dialer wraps the
 * plain one.
 *
 * Differences from Traefik, on purpose:
 * - `dialTimeout` covers the TLS handshake too (Traefik's handshake has no deadline, so a server
 *   that accepts and never answers holds the client forever).
 * - Without `serverName`, the server's certificate is checked against the host of its address
 *   (Go's tls.Client refuses to dial without a ServerName or insecureSkipVerify).
 */
import { connect, isIP, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';
import { peerCertUriMismatch } from '../../proxy/upstream-connector.ts';
import { encodeProxyHeader } from '../../proxy/proxy-protocol-header.ts';
import type { HostPort } from './host-port.ts';

/** TLS towards servers, with files already read (build() reads them). */
export interface TcpClientTlsSettings {
  /** SNI and the name the certificate must carry; '' = the host of the server address. */
  readonly serverName: string;
  readonly insecureSkipVerify: boolean;
  /** PEM CA certificates replacing the system trust store; empty = system store. */
  readonly rootCAs: readonly string[];
  /** Client certificates (PEM) presented to servers that ask for one. */
  readonly certificates: readonly { readonly cert: string; readonly key: string }[];
  /** When set, the certificate must carry this URI SAN (instead of matching the name). */
  readonly peerCertURI: string;
}

/** A resolved TCP servers transport (durations in ms). */
export interface TcpDialSettings {
  /** Qualified transport name, `default@internal` for the static one (logs, diagnostics). */
  readonly name: string;
  /** ≤ 0: no timeout (Go's zero Dialer.Timeout). */
  readonly dialTimeoutMs: number;
  /** TCP keep-alive period; 0 = 15s (Go's default), negative = keep-alive off. */
  readonly dialKeepAliveMs: number;
  /** Grace after one side ends before the connection is closed; negative = never forced. */
  readonly terminationDelayMs: number;
  /** PROXY protocol header version sent to servers, or null. */
  readonly proxyProtocol: 1 | 2 | null;
  /** TLS settings used for servers with `tls: true`; null = defaults (system trust store). */
  readonly tls: TcpClientTlsSettings | null;
}

/** The client addresses a PROXY header carries. */
export interface ProxiedAddresses {
  readonly source: { readonly address: string; readonly port: number };
  readonly destination: { readonly address: string; readonly port: number };
}

export interface DialOptions {
  readonly target: HostPort;
  /** Handshake TLS after connecting. */
  readonly tls: boolean;
  readonly settings: TcpDialSettings;
  /** Written first (PROXY header) when the settings ask for one; probes pass none. */
  readonly proxied?: ProxiedAddresses;
  /** Aborting destroys the socket and rejects (the caller's timeout, the client leaving). */
  readonly signal: AbortSignal;
}

const defaultKeepAliveMs = 15_000;

/**
 * Connects to a server; resolves once it can carry data (after the TLS handshake for TLS).
 * The socket allows half-open connections so each direction can end on its own.
 */
export function dialTcpServer(options: DialOptions): Promise<Socket | TLSSocket> {
  const { target, settings, signal } = options;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortError(signal));
      return;
    }
    const raw = connect({ host: target.host, port: target.port, allowHalfOpen: true, noDelay: true });
    let current: Socket = raw;
    const fail = (err: Error): void => {
      signal.removeEventListener('abort', onAbort);
      current.destroy();
      raw.destroy();
      reject(err);
    };
    const onAbort = (): void => fail(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    raw.once('error', fail);
    raw.once('connect', () => {
      if (settings.dialKeepAliveMs < 0) raw.setKeepAlive(false);
      else raw.setKeepAlive(true, settings.dialKeepAliveMs === 0 ? defaultKeepAliveMs : settings.dialKeepAliveMs);
      if (settings.proxyProtocol !== null && options.proxied !== undefined) {
        raw.write(encodeProxyHeader(settings.proxyProtocol, options.proxied.source, options.proxied.destination));
      }
      if (!options.tls) {
        raw.removeListener('error', fail);
        signal.removeEventListener('abort', onAbort);
        resolve(raw);
        return;
      }
      const secure = tlsConnect({ socket: raw, ...tlsConnectOptions(settings.tls, target.host) });
      current = secure;
      secure.once('error', fail);
      secure.once('secureConnect', () => {
        raw.removeListener('error', fail);
        // The TLS socket reports failures of the connection under it from now on.
        raw.on('error', () => undefined);
        secure.removeListener('error', fail);
        signal.removeEventListener('abort', onAbort);
        resolve(secure);
      });
    });
  });
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('dial aborted');
}

/**
 * Options of tls.connect for the settings; `host` is the server address's host. The server
 * certificate is checked as towards HTTPS servers (proxy/upstream-connector.ts, Traefik's rule):
 * `insecureSkipVerify` skips chain and name checks, but with `peerCertURI` the chain is still
 * verified and the certificate's URI SAN must match.
 */
function tlsConnectOptions(tls: TcpClientTlsSettings | null, host: string): ConnectionOptions {
  const name = tls === null || tls.serverName === '' ? host : tls.serverName;
  const uri = tls?.peerCertURI ?? '';
  const skipVerify = tls?.insecureSkipVerify ?? false;
  const out: ConnectionOptions = {
    // SNI carries host names only (RFC 6066 §3).
    ...(isIP(name) === 0 ? { servername: name } : {}),
    rejectUnauthorized: !skipVerify || uri !== '',
    checkServerIdentity: (_: string, cert: PeerCertificate) => {
      if (!skipVerify) {
        const err = checkServerIdentity(name, cert);
        if (err !== undefined) return err;
      }
      return uri === '' ? undefined : peerCertUriMismatch(uri, cert);
    },
  };
  if (tls === null) return out;
  if (tls.rootCAs.length > 0) out.ca = [...tls.rootCAs];
  if (tls.certificates.length > 0) {
    out.cert = tls.certificates.map((c) => c.cert);
    out.key = tls.certificates.map((c) => c.key);
  }
  return out;
}
