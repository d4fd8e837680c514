/**
 * The bounded label values Traefik derives from a request [pkg/middlewares/metrics/metrics.go,
 * pkg/tls/tls.go]: `method`, `protocol`, `tls_version`, `tls_cipher`.
 */
import { goCipherSuiteName } from '../../lib/go-tls-names.ts';
import { getHeader } from '../../lib/exchange.ts';

/** The `protocol` label. */
export type RequestProtocol = 'http' | 'websocket' | 'sse' | 'grpc' | 'grpc-web';

/**
 * The `method` label: the method when it is one of the HTTP verbs Traefik knows, else
 * `EXTENSION_METHOD`, so that clients cannot grow the label set at will.
 */
export function methodLabel(method: string): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
    case 'POST':
    case 'PUT':
    case 'DELETE':
    case 'CONNECT':
    case 'OPTIONS':
    case 'TRACE':
    case 'PATCH':
    case 'PRI':
      return method;
    default:
      return 'EXTENSION_METHOD';
  }
}

/**
 * The `protocol` label from the request headers, in Traefik's order: a WebSocket handshake
 * (`Connection` has `upgrade` and `Upgrade` has `websocket`), an event stream (`Accept` has
 * `text/event-stream`), gRPC-Web and gRPC by `Content-Type` prefix, else `http`. As in Go,
 * only the first line of each header is read.
 */
export function requestProtocol(headers: readonly string[]): RequestProtocol {
  if (hasToken(getHeader(headers, 'connection'), 'upgrade') && hasToken(getHeader(headers, 'upgrade'), 'websocket')) return 'websocket';
  if (hasToken(getHeader(headers, 'accept'), 'text/event-stream')) return 'sse';
  const contentType = getHeader(headers, 'content-type');
  if (contentType !== undefined && contentType.startsWith('application/grpc')) {
    return contentType.startsWith('application/grpc-web') ? 'grpc-web' : 'grpc';
  }
  return 'http';
}

/** Traefik's containsHeader: a comma-separated item equal to `token` once trimmed and lower-cased. */
function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  // Most requests (a browser's Accept) do not name the token at all: no split for them.
  if (!lower.includes(token)) return false;
  for (const item of lower.split(',')) if (item.trim() === token) return true;
  return false;
}

/** The `tls_version` label: Node's `TLSv1.3` → Traefik's `1.3` (`TLSv1` → `1.0`). */
export function tlsVersionLabel(version: string): string {
  switch (version) {
    case 'TLSv1':
      return '1.0';
    case 'TLSv1.1':
      return '1.1';
    case 'TLSv1.2':
      return '1.2';
    case 'TLSv1.3':
      return '1.3';
    default:
      return 'unknown';
  }
}

/**
 * The `tls_cipher` label: Go's name of the cipher suite (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`)
 * from OpenSSL's (`ECDHE-RSA-AES128-GCM-SHA256`), `unknown` for a suite Go does not name.
 * TLS 1.3 suites have the same name in both.
 */
export function tlsCipherLabel(opensslName: string): string {
  return goCipherSuiteName(opensslName) ?? 'unknown';
}

