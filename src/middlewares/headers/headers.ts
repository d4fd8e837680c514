/**
 * `headers` [Traefik pkg/middlewares/headers]: custom request and response headers, CORS, and
 * security headers.
 *
 * Order, as in Traefik (custom/CORS handler → unrolled/secure handler → next):
 *  1. a CORS preflight is answered here (nothing else runs, no custom response headers);
 *  2. custom request headers are applied (`""` deletes; `Host` sets the host);
 *  3. the security checks run (`allowedHosts` may answer 500 `Bad Host`, which still gets the
 *     custom response and CORS headers);
 *  4. on the response head, the security headers are set first, then the custom response and
 *     CORS headers, which therefore win. Informational heads (1xx, including 101 for an
 *     upgrade) are left alone, as Traefik's response modifier passes them through.
 *
 * Response edits are `exchange.responseHeadHooks`. Traefik wraps the response writer, so the
 * innermost middleware edits the head first and the outermost last; hooks run in array order,
 * so each middleware puts its hook in front of the hooks of the middlewares outside it.
 */
import type { HeadersMiddleware } from '../../config/dynamic.ts';
import type { Exchange, Handler, ResponseHeadHook } from '../../lib/exchange.ts';
import { MiddlewareConfigError, type Middleware, type MiddlewareContext } from '../middleware.ts';
import { createCors, hasCorsOptions } from './cors.ts';
import { applyHeaderEdits, headerEdits } from './header-edits.ts';
import { createSecureHeaders, hasSecureOptions } from './secure-headers.ts';

/**
 * Creates a headers middleware. A config with no custom, CORS or security option is refused, as
 * Traefik refuses it ("headers configuration not valid").
 */
export function createHeaders(config: HeadersMiddleware, context: MiddlewareContext): Middleware {
  const requestEdits = headerEdits(config.customRequestHeaders)
    // Go cannot delete req.Host: `Host: ""` leaves the host as it is.
    .filter((edit) => !(edit.lower === 'host' && edit.value === ''));
  const responseEdits = headerEdits(config.customResponseHeaders);
  const hasCustom = Object.keys(config.customRequestHeaders ?? {}).length > 0
    || Object.keys(config.customResponseHeaders ?? {}).length > 0;
  const cors = hasCorsOptions(config) ? createCors(config) : null;
  const secure = hasSecureOptions(config) ? createSecureHeaders(config) : null;
  if (!hasCustom && cors === null && secure === null) {
    throw new MiddlewareConfigError('MIDDLEWARE_HEADERS_EMPTY', '',
      `middleware ${context.name}: headers configuration not valid: no custom, CORS or security header is set`);
  }

  const responseHook: ResponseHeadHook | null = !hasCustom && cors === null ? null : (status, headers, exchange) => {
    if (status < 200) return status;
    applyHeaderEdits(headers, responseEdits);
    cors?.applyToResponse(headers, exchange.request);
    return status;
  };

  return (next: Handler): Handler => (exchange: Exchange) => {
    if (cors !== null && cors.isPreflight(exchange.request)) {
      cors.answerPreflight(exchange);
      return;
    }
    if (requestEdits.length > 0) applyHeaderEdits(exchange.request.headers, requestEdits);
    if (responseHook !== null) exchange.responseHeadHooks.unshift(responseHook);
    if (secure !== null && !secure.admit(exchange)) return;
    return next(exchange);
  };
}
