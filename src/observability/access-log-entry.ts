/**
 * The facts of one access-log line, read from an exchange once the response is done. Field
 * meanings follow Traefik's access log (pkg/middlewares/accesslog/logdata.go).
 */
import { getHeader, type Exchange, type ExchangeLog } from '../lib/exchange.ts';
import { goCipherName, goSubjectName, goTlsVersion } from './access-log-tls.ts';

/** One access-log entry; empty strings and `null` mean "absent" (Traefik leaves the field out). */
export interface AccessLogEntry {
  /** Wall-clock start, epoch milliseconds. */
  readonly startMs: number;
  readonly durationNs: bigint;
  readonly clientAddr: string;
  /** The peer IP, or the whole `X-Forwarded-For` value when the request carries one (Traefik). */
  readonly clientHost: string;
  readonly clientPort: string;
  /**
   * Switchyard's resolved client IP (RequestHead.clientIp): the peer, or the nearest untrusted
   * address of X-Forwarded-For / the PROXY protocol source when the peer is trusted: the
   * address client-IP affinity and hashing use.
   */
  readonly clientIp: string;
  /** `-` when unknown. */
  readonly clientUsername: string;
  /** The Host header as received; '' when the request had none. */
  readonly requestAddr: string;
  readonly requestHost: string;
  readonly requestPort: string;
  readonly requestMethod: string;
  /** Path and query as received (query parameters dropped or redacted as configured). */
  readonly requestPath: string;
  /** `HTTP/1.1`, `HTTP/2.0`. */
  readonly requestProtocol: string;
  readonly requestScheme: string;
  readonly requestContentSize: number;
  readonly requestCount: number;
  /** 0 when no server answered (the response came from Switchyard itself). */
  readonly originStatus: number;
  readonly originContentSize: number;
  readonly originDurationNs: bigint | null;
  readonly downstreamStatus: number;
  readonly downstreamContentSize: number;
  readonly retryAttempts: number;
  readonly routerName: string;
  readonly serviceName: string;
  readonly serviceUrl: string;
  readonly serviceAddr: string;
  /** `1.3`; '' when not TLS. */
  readonly tlsVersion: string;
  readonly tlsCipher: string;
  /** Go's pkix.Name string of the client certificate's subject; '' without one. */
  readonly tlsClientSubject: string;
  /** Raw request header pairs, for `request_<Header>` fields and Referer/User-Agent. */
  readonly headers: readonly string[];
  /**
   * The response head's header pairs as sent, for `downstream_<Header>` fields; null when they
   * were not captured (no header field is logged, or no head was sent).
   */
  readonly downstreamHeaders: readonly string[] | null;
}

/** How one entry is collected, beyond the exchange. */
export interface CollectOptions {
  /** `fields.queryParameters` applied to the logged query; null keeps it as received. */
  readonly rewriteQuery: ((query: string) => string) | null;
  /** Whether the client certificate's subject is wanted (reading it parses the certificate). */
  readonly clientSubject: boolean;
  /** The response head's headers, when captured. */
  readonly downstreamHeaders: readonly string[] | null;
}

/**
 * Go's `net.SplitHostPort` as Traefik uses it for the access log: on any error the whole value
 * is the host and the port is `-`.
 */
export function splitHostPort(value: string): [host: string, port: string] {
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end > 0 && value.charCodeAt(end + 1) === 0x3a /* : */) return [value.slice(1, end), value.slice(end + 2)];
    return [value, '-'];
  }
  const colon = value.lastIndexOf(':');
  if (colon < 0 || value.indexOf(':') !== colon) return [value, '-'];
  return [value.slice(0, colon), value.slice(colon + 1)];
}

/** Collects the entry for a finished exchange. `nowMs` is the wall clock at the end. */
export function collectAccessLogEntry(
  exchange: Exchange, durationNs: bigint, requestCount: number, nowMs: number, options: CollectOptions,
): AccessLogEntry {
  const request = exchange.request;
  const log: ExchangeLog = exchange.log;
  const headers = request.headers;
  const peer = request.remoteAddress;
  const port = String(request.remotePort);
  const forwardedFor = getHeader(headers, 'x-forwarded-for');
  const hostHeader = getHeader(headers, 'host') ?? getHeader(headers, ':authority') ?? request.host;
  const [requestHost, requestPort] = hostHeader === '' ? ['', ''] : splitHostPort(hostHeader);
  const path = log.originalPath !== '' ? log.originalPath : request.path;
  const received = log.originalPath !== '' ? log.originalQuery : request.query;
  const query = options.rewriteQuery === null ? received : options.rewriteQuery(received);
  const tls = request.tls;
  const clientCert = options.clientSubject ? tls?.peerCertificates?.[0] : undefined;
  return {
    startMs: nowMs - Number(durationNs / 1_000_000n),
    durationNs,
    clientAddr: peer.includes(':') ? `[${peer}]:${port}` : `${peer}:${port}`,
    clientHost: forwardedFor !== undefined && forwardedFor !== '' ? forwardedFor : peer,
    clientPort: port,
    clientIp: request.clientIp,
    clientUsername: log.clientUsername !== '' ? log.clientUsername : '-',
    requestAddr: hostHeader,
    requestHost,
    requestPort,
    requestMethod: request.method,
    requestPath: query === '' ? path : `${path}?${query}`,
    requestProtocol: `HTTP/${request.httpVersion}`,
    requestScheme: tls === undefined ? 'http' : 'https',
    requestContentSize: log.requestContentSize,
    requestCount,
    originStatus: log.originStatus,
    originContentSize: log.originContentSize,
    originDurationNs: log.originStartNs === 0n ? null : log.originDurationNs,
    downstreamStatus: log.downstreamStatus,
    downstreamContentSize: log.downstreamContentSize,
    retryAttempts: log.retryAttempts,
    routerName: log.routerName,
    serviceName: log.serviceName,
    serviceUrl: log.serviceUrl,
    serviceAddr: log.serviceAddr,
    tlsVersion: tls === undefined ? '' : goTlsVersion(tls.version),
    tlsCipher: tls === undefined ? '' : goCipherName(tls.cipher),
    tlsClientSubject: clientCert === undefined ? '' : goSubjectName(clientCert),
    headers,
    downstreamHeaders: options.downstreamHeaders,
  };
}
