/**
 * The facts of one access-log line, read from an exchange once the response is done. Field
 * meanings follow Traefik's access log (pkg/middlewares/accesslog/logdata.go).
 */
import { getHeader, type Exchange, type ExchangeLog } from '../lib/exchange.ts';

/** One access-log entry; empty strings and `null` mean "absent" (Traefik leaves the field out). */
export interface AccessLogEntry {
  /** Wall-clock start, epoch milliseconds. */
  readonly startMs: number;
  readonly durationNs: bigint;
  readonly clientAddr: string;
  /** The peer IP, or the whole `X-Forwarded-For` value when the request carries one (Traefik). */
  readonly clientHost: string;
  readonly clientPort: string;
  /** `-` when unknown. */
  readonly clientUsername: string;
  /** The Host header as received; '' when the request had none. */
  readonly requestAddr: string;
  readonly requestHost: string;
  readonly requestPort: string;
  readonly requestMethod: string;
  /** Path and query as received. */
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
  /** Raw request header pairs, for `request_<Header>` fields and Referer/User-Agent. */
  readonly headers: readonly string[];
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

/** `TLSv1.3` (Node) → `1.3` (Traefik). */
function tlsVersionName(version: string): string {
  return version.startsWith('TLSv') ? version.slice(4) : version;
}

/** Collects the entry for a finished exchange. `nowMs` is the wall clock at the end. */
export function collectAccessLogEntry(
  exchange: Exchange, durationNs: bigint, requestCount: number, nowMs: number,
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
  const query = log.originalPath !== '' ? log.originalQuery : request.query;
  const tls = request.tls;
  return {
    startMs: nowMs - Number(durationNs / 1_000_000n),
    durationNs,
    clientAddr: peer.includes(':') ? `[${peer}]:${port}` : `${peer}:${port}`,
    clientHost: forwardedFor !== undefined && forwardedFor !== '' ? forwardedFor : peer,
    clientPort: port,
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
    tlsVersion: tls === undefined ? '' : tlsVersionName(tls.version),
    tlsCipher: tls === undefined ? '' : tls.cipher,
    headers,
  };
}
