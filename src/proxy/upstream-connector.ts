/**
 * How a pool opens a connection to a server: TCP (dial timeout, TCP keep-alive 30 s as Traefik's
 * dialer), TLS as the servers transport says (roots, client certificates, SNI, verification,
 * `peerCertURI`, ciphers and versions, ALPN `h2`/`http/1.1`), or cleartext HTTP/2 with prior
 * knowledge for `h2c://` servers; and, on HTTP/2 connections, the read-idle watchdog behind
 * `readIdleTimeout`/`pingTimeout`.
 *
 * Where this follows Traefik (Go's tls.Config and x/net/http2):
 * - SNI and the name the certificate must carry are `serverName` when set, else the server
 *   URL's host name; an IP address is verified against the certificate's IP SANs and sent
 *   without SNI. The client's Host header never becomes the SNI (undici's default would).
 * - `insecureSkipVerify` skips chain and name checks; with `peerCertURI` as well, the chain is
 *   still verified against the roots (Traefik's VerifyPeerCertificate) and only the name check
 *   is skipped. `peerCertURI` compares the certificate's first URI SAN with the expected URI,
 *   host part ignored, case-insensitively — Traefik's rule.
 * - `readIdleTimeout` > 0: undici pings the connection every `readIdleTimeout`; the watchdog
 *   closes it when nothing at all was read for `readIdleTimeout + pingTimeout` (a ping went
 *   unanswered for `pingTimeout`), which fails the requests on it with 502. Go pings only after
 *   `readIdleTimeout` of silence; the result on a dead connection is the same.
 * - The TLS handshake is bounded by the dial timeout (Go has a separate 10 s handshake timeout).
 */
import { isIP, type Socket } from 'node:net';
import { checkServerIdentity, type ConnectionOptions, type PeerCertificate } from 'node:tls';
import { buildConnector } from 'undici';
import type { Clock, TimerHandle } from '../lib/clock.ts';

/** The TLS side of a servers transport, as the connector needs it. */
export interface ConnectorTls {
  readonly insecureSkipVerify: boolean;
  /** '' = the server URL's host name. */
  readonly serverName: string;
  /** PEM roots; empty = the system's. */
  readonly rootCAs: readonly string[];
  readonly certificates: readonly { readonly cert: string; readonly key: string }[];
  /** '' = no URI check. */
  readonly peerCertURI: string;
  /** OpenSSL cipher list, '' = Node's defaults. */
  readonly ciphers: string;
  readonly minVersion: ConnectionOptions['minVersion'];
  readonly maxVersion: ConnectionOptions['maxVersion'];
}

export interface ConnectorOptions {
  /** `https` (TLS, ALPN), `h2c` (cleartext HTTP/2, prior knowledge) or `http` (HTTP/1.1). */
  readonly scheme: 'http' | 'https' | 'h2c';
  /** The server URL's host name, IPv6 without brackets. */
  readonly hostname: string;
  readonly dialTimeoutMs: number;
  /** Offer `h2` in ALPN (https only). */
  readonly allowH2: boolean;
  readonly tls: ConnectorTls;
  /** 0 = no watchdog. */
  readonly readIdleTimeoutMs: number;
  readonly pingTimeoutMs: number;
  readonly clock: Clock;
}

/** The error a connection closed by the read-idle watchdog fails with. */
export class PingTimeoutError extends Error {
  readonly code = 'SWITCHYARD_H2_PING_TIMEOUT';
  constructor(silentMs: number) {
    super(`HTTP/2 connection closed: nothing read for ${silentMs} ms (ping unanswered)`);
    this.name = 'PingTimeoutError';
  }
}

/** Traefik's dialer keeps TCP connections alive with probes every 30 s. */
const tcpKeepAliveMs = 30_000;

/** The SNI a pool sends: `serverName`, else the host name unless it is an IP address (RFC 6066 §3). */
export function sniFor(hostname: string, serverName: string): string {
  if (serverName !== '') return serverName;
  return isIP(hostname) === 0 ? hostname : '';
}

/** Builds the connector function for one pool. */
export function createConnector(options: ConnectorOptions): buildConnector.connector {
  const build = { timeout: options.dialTimeoutMs, keepAlive: true, keepAliveInitialDelay: tcpKeepAliveMs } as buildConnector.BuildOptions & { useH2c?: boolean };
  if (options.scheme === 'https') {
    Object.assign(build, tlsConnectionOptions(options.tls), { allowH2: options.allowH2, preferH2: options.allowH2 });
  } else {
    Object.assign(build, { allowH2: options.scheme === 'h2c', useH2c: options.scheme === 'h2c' });
  }
  const base = buildConnector(build);
  const servername = options.scheme === 'https' ? sniFor(options.hostname, options.tls.serverName) : '';
  const watch = options.readIdleTimeoutMs > 0;
  return (connectOptions, callback) => {
    // The SNI is the pool's, whatever the request carried (see the header comment).
    base({ ...connectOptions, servername }, (err, socket) => {
      if (err === null && watch && (socket as { alpnProtocol?: string | false }).alpnProtocol === 'h2') watchReads(socket, options);
      (callback as (e: Error | null, s: Socket | null) => void)(err, socket);
    });
  };
}

function tlsConnectionOptions(tls: ConnectorTls): ConnectionOptions {
  const out: ConnectionOptions = {
    // With peerCertURI the chain is verified even under insecureSkipVerify (Traefik).
    rejectUnauthorized: !tls.insecureSkipVerify || tls.peerCertURI !== '',
  };
  if (tls.rootCAs.length > 0) out.ca = [...tls.rootCAs];
  if (tls.certificates.length > 0) {
    out.cert = tls.certificates.map((c) => c.cert);
    out.key = tls.certificates.map((c) => c.key);
  }
  if (tls.ciphers !== '') out.ciphers = tls.ciphers;
  if (tls.minVersion !== undefined) out.minVersion = tls.minVersion;
  if (tls.maxVersion !== undefined) out.maxVersion = tls.maxVersion;
  if (tls.insecureSkipVerify || tls.peerCertURI !== '') {
    const checkName = !tls.insecureSkipVerify;
    const uri = tls.peerCertURI;
    out.checkServerIdentity = (host: string, cert: PeerCertificate): Error | undefined => {
      if (checkName) {
        const err = checkServerIdentity(host, cert);
        if (err !== undefined) return err;
      }
      return uri === '' ? undefined : peerCertUriMismatch(uri, cert);
    };
  }
  return out;
}

/**
 * Traefik's peerCertURI rule: the certificate's first URI SAN must equal `expected` once the
 * host part is taken from the certificate (case-insensitive). Returns the error, or undefined.
 */
export function peerCertUriMismatch(expected: string, cert: PeerCertificate): Error | undefined {
  const got = uriSans(cert.subjectaltname ?? '')[0];
  if (got === undefined) return new Error(`peer certificate mismatch: the certificate has no URI SAN (want ${expected})`);
  let want: URL;
  let have: URL;
  try {
    want = new URL(expected);
    have = new URL(got);
  } catch {
    return new Error(`peer certificate mismatch: got ${got}, want ${expected}`);
  }
  want.host = have.host;
  if (want.href.toLowerCase() === have.href.toLowerCase()) return undefined;
  return new Error(`peer certificate mismatch: got ${got}, want ${expected}`);
}

/**
 * The URI entries of Node's `subjectaltname` string (`DNS:a, URI:spiffe://x/y`); entries
 * with special characters come JSON-quoted (`URI:"a,b"`).
 */
export function uriSans(subjectAltName: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < subjectAltName.length) {
    const colon = subjectAltName.indexOf(':', i);
    if (colon < 0) break;
    const type = subjectAltName.slice(i, colon).trim();
    let value: string;
    let next: number;
    if (subjectAltName[colon + 1] === '"') {
      let end = colon + 2;
      while (end < subjectAltName.length && subjectAltName[end] !== '"') end += subjectAltName[end] === '\\' ? 2 : 1;
      try {
        value = JSON.parse(subjectAltName.slice(colon + 1, end + 1)) as string;
      } catch {
        value = subjectAltName.slice(colon + 2, end);
      }
      next = subjectAltName.indexOf(',', end);
    } else {
      next = subjectAltName.indexOf(',', colon);
      value = subjectAltName.slice(colon + 1, next < 0 ? undefined : next);
    }
    if (type === 'URI') out.push(value);
    if (next < 0) break;
    i = next + 1;
  }
  return out;
}

/**
 * Closes an HTTP/2 connection on which nothing was read for readIdle + pingTimeout. The HTTP/2
 * session reads the socket natively, so progress is seen through `bytesRead`, checked on the
 * injected clock.
 */
function watchReads(socket: Socket, options: ConnectorOptions): void {
  const { clock } = options;
  // x/net/http2: a PingTimeout of 0 means 15 s.
  const pingTimeout = options.pingTimeoutMs > 0 ? options.pingTimeoutMs : 15_000;
  const limit = options.readIdleTimeoutMs + pingTimeout;
  const step = Math.max(1, Math.min(options.readIdleTimeoutMs, pingTimeout));
  let seen = socket.bytesRead;
  let lastReadAt = clock.now();
  let timer: TimerHandle;
  const check = (): void => {
    if (socket.destroyed) return;
    const now = clock.now();
    if (socket.bytesRead !== seen) {
      seen = socket.bytesRead;
      lastReadAt = now;
    }
    const silent = now - lastReadAt;
    if (silent >= limit) {
      socket.destroy(new PingTimeoutError(silent));
      return;
    }
    timer = unref(clock.setTimeout(check, Math.min(step, limit - silent)));
  };
  timer = unref(clock.setTimeout(check, step));
  socket.once('close', () => clock.clearTimeout(timer));
}

/** undici lets idle HTTP/2 connections not hold the process open; the watchdog must not either. */
function unref(timer: TimerHandle): TimerHandle {
  (timer as { unref?: () => void } | null)?.unref?.();
  return timer;
}
