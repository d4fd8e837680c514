/**
 * The header list of the request forwardAuth sends to the auth server, built from the client's
 * request as Traefik builds it (reference §9, pkg/middlewares/auth/forward.go):
 *
 *  1. every request header is copied, except the hop-by-hop ones of the auth request
 *     (Connection and what it names, Keep-Alive, TE, Trailer(s), Transfer-Encoding, Upgrade).
 *     Proxy-Authorization *is* copied: the auth server may be the one that checks it
 *     (RFC 7235 §4.4). Host, Content-Length and Expect are never copied: Go keeps them out of
 *     the header map or rewrites them for the new request, so the auth server sees its own Host.
 *  2. `authRequestHeaders`, when not empty, keeps only the headers it names;
 *  3. then X-Forwarded-For/-Method/-Proto/-Host/-Uri are set, whatever step 2 kept: with
 *     `trustForwardHeader` a value the request already carries wins, otherwise the value comes
 *     from the request itself. X-Forwarded-For is the peer, after the request's own list when
 *     trusted.
 */
import { connectionTokens } from '../../proxy/hop-by-hop.ts';
import { getHeader, getHeaderValues, setHeader, type RequestHead } from '../../lib/exchange.ts';

/** What the auth request's headers depend on, prepared once per middleware. */
export interface AuthRequestHeaderOptions {
  readonly trustForwardHeader: boolean;
  /** Lower-cased `authRequestHeaders`; empty means every header. */
  readonly allowed: readonly string[];
}

/** Hop-by-hop for the auth request (Traefik's own list: no Proxy-* headers), plus what Go never copies. */
const notCopied = new Set(['connection', 'keep-alive', 'te', 'trailer', 'trailers', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'expect']);

/** Prepares the options from the config values. */
export function authRequestHeaderOptions(trustForwardHeader: boolean, authRequestHeaders: readonly string[]): AuthRequestHeaderOptions {
  return { trustForwardHeader, allowed: authRequestHeaders.map((name) => name.toLowerCase()) };
}

/** Builds the raw header pairs of the auth request for `request`. */
export function authRequestHeaders(request: RequestHead, options: AuthRequestHeaderOptions): string[] {
  const src = request.headers;
  let named: Set<string> | null = null;
  for (const value of getHeaderValues(src, 'connection')) {
    const tokens = connectionTokens(value, null);
    if (tokens !== null) for (const t of tokens) (named ??= new Set()).add(t);
  }
  let out: string[] = [];
  for (let i = 0; i < src.length; i += 2) {
    const name = src[i]!;
    const lower = name.toLowerCase();
    if (notCopied.has(lower) || named?.has(lower) === true) continue;
    out.push(name, src[i + 1]!);
  }
  if (options.allowed.length > 0) out = keepOnly(out, options.allowed);

  const trust = options.trustForwardHeader;
  const trusted = (lower: string): string | undefined => {
    if (!trust) return undefined;
    const v = getHeader(src, lower);
    return v === '' ? undefined : v;
  };

  const prior = trust ? getHeaderValues(src, 'x-forwarded-for') : [];
  const peer = request.remoteAddress;
  setHeader(out, 'X-Forwarded-For', prior.length > 0 ? `${prior.join(', ')}, ${peer}` : peer);
  setHeader(out, 'X-Forwarded-Method', trusted('x-forwarded-method') ?? request.method);
  setHeader(out, 'X-Forwarded-Proto', trusted('x-forwarded-proto') ?? (request.tls !== undefined ? 'https' : 'http'));
  // Traefik sets X-Forwarded-Port only from a trusted value; otherwise the copy of step 1 stays.
  const port = trusted('x-forwarded-port');
  if (port !== undefined) setHeader(out, 'X-Forwarded-Port', port);
  // The Host header as the client sent it (with its port), like Go's Request.Host.
  setHeader(out, 'X-Forwarded-Host', trusted('x-forwarded-host') ?? getHeader(src, 'host') ?? request.host);
  setHeader(out, 'X-Forwarded-Uri', trusted('x-forwarded-uri') ?? requestUri(request));
  return out;
}

/** The request target as it is now (after earlier middlewares rewrote it): escaped path and query. */
function requestUri(request: RequestHead): string {
  return request.query === '' ? request.path : `${request.path}?${request.query}`;
}

/** The pairs whose name is in `allowed` (lower-case), grouped in the order of `allowed` as Traefik builds them. */
function keepOnly(headers: readonly string[], allowed: readonly string[]): string[] {
  const out: string[] = [];
  const done = new Set<string>();
  for (const name of allowed) {
    if (done.has(name)) continue;
    done.add(name);
    for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === name) out.push(headers[i]!, headers[i + 1]!);
  }
  return out;
}
