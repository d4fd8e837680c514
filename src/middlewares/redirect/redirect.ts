/**
 * The machinery redirectScheme and redirectRegex share [Traefik pkg/middlewares/redirect]: build
 * the URL the client asked for, rewrite it with a regex, and answer with a redirect when the
 * rewrite changed it; otherwise the request goes on unchanged.
 */
import { writeHeadThroughHooks, type Exchange, type Handler, type RequestHead } from '../../lib/exchange.ts';
import { proxyError, sendProxyError } from '../../proxy/proxy-error.ts';
import type { UserRegex } from '../../rules/regex.ts';
import type { Middleware } from '../middleware.ts';
import { goUrlString } from './location.ts';

const statusText: Readonly<Record<number, string>> = {
  301: 'Moved Permanently',
  302: 'Found',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
};

/**
 * Traefik's status rule: GET gets 302 (301 when permanent); every other method, HEAD included,
 * gets 307 (308) so the client repeats the same method and body.
 */
export function redirectStatus(method: string, permanent: boolean): number {
  if (method === 'GET') return permanent ? 301 : 302;
  return permanent ? 308 : 307;
}

/**
 * Sends a redirect as Traefik does: `Location`, the status text as body, and no Content-Type
 * (Traefik disables content sniffing). The head goes through the exchange's hooks.
 */
export function sendRedirect(exchange: Exchange, status: number, location: string): void {
  const body = Buffer.from(statusText[status] ?? '');
  writeHeadThroughHooks(exchange, status, ['Location', location, 'Content-Length', String(body.length)]);
  if (exchange.request.method !== 'HEAD') exchange.response.write(body);
  exchange.response.end();
}

/** The request target as Go's `req.RequestURI` holds it once middlewares have rewritten it. */
export function requestUri(request: RequestHead): string {
  return request.query === '' ? request.path : `${request.path}?${request.query}`;
}

/**
 * Creates the regex redirect: `clientUrl` reads the URL the client used (a plain function,
 * chosen once per kind), `regex` and `replacement` rewrite it. A URL the regex does not match,
 * or one the rewrite leaves unchanged, passes through. A rewritten URL Go cannot parse is
 * answered 502, as oxy's error handler answers Traefik's `*url.Error`.
 */
export function createUrlRedirect(
  regex: UserRegex, replacement: string, permanent: boolean, clientUrl: (request: RequestHead) => string,
): Middleware {
  return (next: Handler): Handler => (exchange: Exchange) => {
    const oldUrl = clientUrl(exchange.request);
    if (!regex.test(oldUrl)) return next(exchange);
    const newUrl = regex.replace(oldUrl, replacement);
    const location = goUrlString(newUrl);
    if (location === null) {
      sendProxyError(exchange, proxyError('BAD_GATEWAY', `redirect to a URL that does not parse: ${newUrl}`));
      return;
    }
    if (newUrl === oldUrl) return next(exchange);
    sendRedirect(exchange, redirectStatus(exchange.request.method, permanent), location);
  };
}
