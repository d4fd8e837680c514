/**
 * The Host the client sent, as Go's `req.Host` holds it (port included), for the middlewares
 * that read it raw: redirects build the client URL from it and `allowedHosts` compares it.
 * `RequestHead.host` is the canonical routing host (no port, lower-cased) and is the fallback
 * when the request carries no Host header (HTTP/1.0).
 */
import { getHeader, type RequestHead } from '../lib/exchange.ts';

/** The request's Host header value, or the canonical host when it has none. */
export function requestHost(request: RequestHead): string {
  return getHeader(request.headers, 'host') ?? request.host;
}
