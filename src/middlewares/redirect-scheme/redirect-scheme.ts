/**
 * `redirectScheme` [Traefik pkg/middlewares/redirect/redirect_scheme.go]: redirects to another
 * scheme (and port) unless the request is already there.
 */
import type { RedirectSchemeMiddleware } from '../../config/dynamic.ts';
import { getHeader, type RequestHead } from '../../lib/exchange.ts';
import { compileConfigRegex, type Middleware, type MiddlewareContext } from '../middleware.ts';
import { createUrlRedirect, requestUri } from '../redirect/redirect.ts';
import { requestHost } from '../request-host.ts';

/**
 * Traefik's pattern over the client URL: optional scheme, host (bracketed IPv6 or `[\w._-]+`),
 * optional port, rest. Only groups 2 and 4 are kept, so the request's own port is dropped.
 * The pattern is fixed, so it is compiled once for every instance.
 */
const clientUrlRegex = compileConfigRegex(String.raw`^(https?:\/\/)?(\[[\w:.]+\]|[\w\._-]+)?(:\d+)?(.*)$`, '');

/** Go's `net.SplitHostPort`: [host, port], or null when Go reports an error. */
function splitHostPort(hostport: string): [string, string] | null {
  const colon = hostport.lastIndexOf(':');
  if (colon < 0) return null;
  let host: string;
  let from = 0;
  let to = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== colon) return null;
    host = hostport.slice(1, end);
    from = 1;
    to = end + 1;
  } else {
    host = hostport.slice(0, colon);
    if (host.includes(':')) return null;
  }
  if (hostport.indexOf('[', from) >= 0 || hostport.indexOf(']', to) >= 0) return null;
  return [host, hostport.slice(colon + 1)];
}

/**
 * The URL the client used, as Traefik rebuilds it: `https` on TLS, then `X-Forwarded-Proto`
 * (http/ws or https/wss; anything else is ignored) decides; the default port of the scheme is
 * dropped. Requests reach middlewares in origin form, so the target is the path and query.
 */
function clientRequestUrl(request: RequestHead): string {
  const hostHeader = requestHost(request);
  const split = splitHostPort(hostHeader);
  const host = split === null ? hostHeader : split[0];
  let port = split === null ? '' : `:${split[1]}`;
  let scheme = request.tls === undefined ? 'http' : 'https';
  const proto = getHeader(request.headers, 'x-forwarded-proto');
  if (proto !== undefined && proto !== '') {
    const p = proto.toLowerCase();
    if (p === 'http' || p === 'ws') scheme = 'http';
    else if (p === 'https' || p === 'wss') scheme = 'https';
  }
  if ((scheme === 'http' && port === ':80') || (scheme === 'https' && port === ':443')) port = '';
  return `${scheme}://${host}${port}${requestUri(request)}`;
}

/**
 * Creates a redirectScheme middleware. The target port is omitted when it is the default of
 * the target scheme; the replacement template is fixed here, once.
 */
export function createRedirectScheme(config: RedirectSchemeMiddleware, _context: MiddlewareContext): Middleware {
  const { scheme, permanent } = config;
  const port = config.port ?? '';
  const defaultPort = (scheme === 'http' && port === '80') || (scheme === 'https' && port === '443');
  const targetPort = port !== '' && !defaultPort ? `:${port}` : '';
  return createUrlRedirect(clientUrlRegex, `${scheme}://\${2}${targetPort}\${4}`, permanent, clientRequestUrl);
}
