/**
 * TCP servers transports as dial settings: `tcp.serversTransports.<name>` and the static
 * `tcpServersTransport` (`default@internal`), with certificate and key files read (a value
 * containing `-----BEGIN` is PEM content, anything else a path, as Traefik's FileOrContent).
 * Reading happens here, at build time, never per connection.
 *
 * SPIFFE and peerCertSANs are not implemented: a transport using them is refused with a
 * problem naming the field rather than used without them.
 */
import type { StaticTcpServersTransportConfig } from '../../config/static-transports.ts';
import type { TcpServersTransport } from '../../config/tcp.ts';
import type { TcpClientTlsSettings, TcpDialSettings } from './tcp-dial.ts';

/** Why a transport cannot be used: a stable code, the field inside the transport, a message. */
export interface TransportProblem {
  readonly code: 'TRANSPORT_FEATURE_NOT_IMPLEMENTED' | 'TRANSPORT_FILE_UNREADABLE';
  readonly field: readonly (string | number)[];
  readonly message: string;
}

/** Reads a file named in the configuration (utf8). */
export type ReadConfigFile = (path: string) => string;

/** Traefik's static tcpServersTransport defaults. */
export const traefikDefaultTcpTransport: StaticTcpServersTransportConfig = { dialKeepAlive: 15_000, dialTimeout: 30_000, terminationDelay: 100 };

/** The settings of the dynamic transport `name` (qualified), or why it cannot be used. */
export function tcpTransportSettings(name: string, t: TcpServersTransport, readFile: ReadConfigFile): TcpDialSettings | TransportProblem {
  if (t.tls?.spiffe !== undefined) {
    return { code: 'TRANSPORT_FEATURE_NOT_IMPLEMENTED', field: ['tls', 'spiffe'], message: 'not implemented yet in Switchyard: spiffe' };
  }
  if (t.tls?.peerCertSANs !== undefined) {
    return { code: 'TRANSPORT_FEATURE_NOT_IMPLEMENTED', field: ['tls', 'peerCertSANs'], message: 'not implemented yet in Switchyard: peerCertSANs (peerCertURI is)' };
  }
  let tls: TcpClientTlsSettings | null = null;
  if (t.tls !== undefined) {
    const rootCAs: string[] = [];
    for (const [i, entry] of (t.tls.rootCAs ?? []).entries()) {
      const pem = readPem(entry, readFile);
      if (pem.error !== undefined) return unreadable(['tls', 'rootCAs', i], pem.error);
      rootCAs.push(pem.text);
    }
    const certificates: { cert: string; key: string }[] = [];
    for (const [i, pair] of (t.tls.certificates ?? []).entries()) {
      const cert = readPem(pair.certFile, readFile);
      if (cert.error !== undefined) return unreadable(['tls', 'certificates', i, 'certFile'], cert.error);
      const key = readPem(pair.keyFile, readFile);
      if (key.error !== undefined) return unreadable(['tls', 'certificates', i, 'keyFile'], key.error);
      certificates.push({ cert: cert.text, key: key.text });
    }
    tls = {
      serverName: t.tls.serverName ?? '',
      insecureSkipVerify: t.tls.insecureSkipVerify,
      rootCAs,
      certificates,
      peerCertURI: t.tls.peerCertURI ?? '',
    };
  }
  return {
    name,
    dialTimeoutMs: t.dialTimeout,
    dialKeepAliveMs: t.dialKeepAlive,
    terminationDelayMs: t.terminationDelay,
    proxyProtocol: t.proxyProtocol === undefined ? null : t.proxyProtocol.version as 1 | 2,
    tls,
  };
}

/** The settings of the static `tcpServersTransport` (`default@internal`), or why it cannot be used. */
export function staticTcpTransportSettings(t: StaticTcpServersTransportConfig, readFile: ReadConfigFile): TcpDialSettings | string {
  const tls = t.tls;
  if (tls?.spiffe !== undefined) return 'tcpServersTransport.tls.spiffe is not implemented yet in Switchyard';
  const rootCAs: string[] = [];
  for (const [i, entry] of (tls?.rootCAs ?? []).entries()) {
    const pem = readPem(entry, readFile);
    if (pem.error !== undefined) return `tcpServersTransport.tls.rootCAs[${i}]: ${pem.error}`;
    rootCAs.push(pem.text);
  }
  return {
    name: 'default@internal',
    dialTimeoutMs: t.dialTimeout,
    dialKeepAliveMs: t.dialKeepAlive,
    terminationDelayMs: t.terminationDelay,
    proxyProtocol: null,
    tls: tls === undefined ? null : { serverName: '', insecureSkipVerify: tls.insecureSkipVerify, rootCAs, certificates: [], peerCertURI: '' },
  };
}

function unreadable(field: readonly (string | number)[], message: string): TransportProblem {
  return { code: 'TRANSPORT_FILE_UNREADABLE', field, message };
}

function readPem(entry: string, readFile: ReadConfigFile): { text: string; error?: undefined } | { text?: undefined; error: string } {
  if (entry.includes('-----BEGIN')) return { text: entry };
  try {
    return { text: readFile(entry) };
  } catch (err) {
    return { error: `cannot read "${entry}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
}
