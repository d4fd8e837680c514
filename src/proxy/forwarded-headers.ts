/**
 * X-Forwarded-* handling at the entry point, before routing (Traefik's forwardedheaders
 * middleware, reference §7.2). The `X-Forwarded-For` append happens later, at the proxy.
 */
import type { RequestHead } from '../lib/exchange.ts';
import type { IpRangeSet } from '../lib/ip-range.ts';

export interface ForwardedHeadersOptions {
  /** Trust forwarded headers from any peer. */
  readonly insecure: boolean;
  readonly trustedIPs: IpRangeSet;
  /** Value of X-Forwarded-Server (this host's name). */
  readonly serverName: string;
  readonly addXForwardedSchemeHeaders: boolean;
}

/** Headers an untrusted peer may not set (lower-case), underscore spellings included. */
const untrusted = new Set<string>();
for (const name of [
  'x-forwarded-proto', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-server',
  'x-forwarded-uri', 'x-forwarded-method', 'x-forwarded-prefix', 'x-forwarded-tls-client-cert',
  'x-forwarded-tls-client-cert-info', 'x-forwarded-scheme', 'x-scheme', 'x-real-ip',
]) {
  untrusted.add(name);
  untrusted.add(name.replaceAll('-', '_'));
}

const F_PROTO = 1;
const F_FOR = 2;
const F_HOST = 4;
const F_PORT = 8;
const F_REAL_IP = 16;

/**
 * Rewrites `request.headers` in place. `isWebSocket` selects ws/wss for X-Forwarded-Proto.
 */
export function applyForwardedHeaders(request: RequestHead, options: ForwardedHeadersOptions, isWebSocket: boolean): void {
  const headers = request.headers;
  const trusted = options.insecure || options.trustedIPs.contains(request.remoteAddress);
  let seen = 0;
  let forCount = 0;
  let hostHeader: string | undefined;
  let w = 0;
  const n = headers.length;
  // One pass: drop what an untrusted peer sent, note which headers are present.
  for (let r = 0; r < n; r += 2) {
    const name = headers[r]!;
    const value = headers[r + 1]!;
    const first = name.charCodeAt(0) | 0x20;
    if (first === 0x78 /* x */) {
      const lower = name.toLowerCase();
      if (untrusted.has(lower)) {
        if (!trusted) continue;
        if (lower === 'x-forwarded-proto') seen |= F_PROTO;
        else if (lower === 'x-forwarded-for') {
          seen |= F_FOR;
          forCount++;
        } else if (lower === 'x-forwarded-host') seen |= F_HOST;
        else if (lower === 'x-forwarded-port') seen |= F_PORT;
        else if (lower === 'x-real-ip') seen |= F_REAL_IP;
        else if (lower === 'x-forwarded-server') continue; // always overwritten below
      }
    } else if (first === 0x68 /* h */ && name.length === 4 && name.toLowerCase() === 'host') {
      hostHeader = value;
    }
    headers[w++] = name;
    headers[w++] = value;
  }
  headers.length = w;

  if (forCount > 1) foldForwardedFor(headers);
  if (trusted && (seen & F_FOR)) request.clientIp = clientIpFromForwardedFor(headers, options);
  if (!(seen & F_REAL_IP)) headers.push('X-Real-Ip', stripZone(request.remoteAddress));
  let proto = '';
  if (!(seen & F_PROTO)) {
    proto = request.tls ? (isWebSocket ? 'wss' : 'https') : isWebSocket ? 'ws' : 'http';
    headers.push('X-Forwarded-Proto', proto);
  }
  if (!(seen & F_PORT)) {
    const port = portOf(hostHeader);
    if (port !== '') headers.push('X-Forwarded-Port', port);
    else {
      if (proto === '') proto = forwardedProto(headers);
      headers.push('X-Forwarded-Port', proto === 'https' || proto === 'wss' || request.tls ? '443' : '80');
    }
  }
  if (options.addXForwardedSchemeHeaders) {
    if (proto === '') proto = forwardedProto(headers);
    headers.push('X-Forwarded-Scheme', proto, 'X-Scheme', proto);
  }
  if (!(seen & F_HOST) && hostHeader !== undefined) headers.push('X-Forwarded-Host', hostHeader);
  headers.push('X-Forwarded-Server', options.serverName);
}

/**
 * The nearest address of X-Forwarded-For that is not a trusted proxy (walking from the right,
 * the end the trusted peer appended), or the leftmost when every address is trusted. An address
 * further left was written by a hop nobody vouches for, so it cannot pick a server.
 */
function clientIpFromForwardedFor(headers: readonly string[], options: ForwardedHeadersOptions): string {
  let value = '';
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() === 'x-forwarded-for') {
      value = headers[i + 1]!;
      break;
    }
  }
  const parts = value.split(',').map((p) => p.trim()).filter((p) => p !== '');
  // `insecure` trusts every hop: the client is the first address.
  if (!options.insecure) {
    for (let i = parts.length - 1; i >= 0; i--) if (!options.trustedIPs.contains(parts[i]!)) return parts[i]!;
  }
  return parts[0] ?? '';
}

function forwardedProto(headers: readonly string[]): string {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() === 'x-forwarded-proto') return headers[i + 1]!;
  }
  return '';
}

/** Folds several X-Forwarded-For lines into one `a, b` line at the first one's place. */
function foldForwardedFor(headers: string[]): void {
  let first = -1;
  let w = 0;
  for (let r = 0; r < headers.length; r += 2) {
    if (headers[r]!.toLowerCase() === 'x-forwarded-for') {
      if (first >= 0) {
        headers[first + 1] = `${headers[first + 1]}, ${headers[r + 1]}`;
        continue;
      }
      first = w;
    }
    headers[w] = headers[r]!;
    headers[w + 1] = headers[r + 1]!;
    w += 2;
  }
  headers.length = w;
}

/** The port of a Host header value, '' when it has none. */
function portOf(host: string | undefined): string {
  if (host === undefined) return '';
  const colon = host.lastIndexOf(':');
  if (colon < 0 || host.indexOf(']', colon) >= 0) return '';
  return host.slice(colon + 1);
}

function stripZone(ip: string): string {
  const z = ip.indexOf('%');
  return z < 0 ? ip : ip.slice(0, z);
}
