/**
 * `redirectRegex` [Traefik pkg/middlewares/redirect/redirect_regex.go]: rewrites the client URL
 * with a regex and redirects when the URL changed.
 */
import type { RedirectRegexMiddleware } from '../../config/dynamic.ts';
import type { RequestHead } from '../../lib/exchange.ts';
import { compileConfigRegex, type Middleware, type MiddlewareContext } from '../middleware.ts';
import { createUrlRedirect, requestUri } from '../redirect/redirect.ts';
import { requestHost } from '../request-host.ts';

/**
 * `scheme://host[:port]/path?query` as Traefik builds it for redirectRegex: the scheme comes
 * from TLS only (X-Forwarded-Proto is not consulted, unlike redirectScheme) and the Host header
 * is used as sent, port included.
 */
function rawUrl(request: RequestHead): string {
  return `${request.tls === undefined ? 'http' : 'https'}://${requestHost(request)}${requestUri(request)}`;
}

/** Creates a redirectRegex middleware; the regex is compiled here, once. */
export function createRedirectRegex(config: RedirectRegexMiddleware, _context: MiddlewareContext): Middleware {
  const regex = compileConfigRegex(config.regex, 'regex');
  return createUrlRedirect(regex, config.replacement, config.permanent, rawUrl);
}
