/**
 * `replacePath` [Traefik pkg/middlewares/replacepath]: replaces the whole path, keeping the
 * previous (escaped) path in `X-Replaced-Path`.
 */
import type { ReplacePathMiddleware } from '../../config/dynamic.ts';
import type { Exchange, Handler } from '../../lib/exchange.ts';
import { proxyError, sendProxyError } from '../../proxy/proxy-error.ts';
import { escapedPathFromRaw } from '../escaped-path.ts';
import type { Middleware, MiddlewareContext } from '../middleware.ts';

/** The header Traefik adds (never replaces) with the path before replacement. */
export const replacedPathHeader = 'X-Replaced-Path';

/**
 * Creates a replacePath middleware. The configured path is an escaped path (`/foo%2Fbar` keeps
 * its `%2F`); one Go cannot unescape makes Traefik answer every request with 500, which this
 * decides once here.
 */
export function createReplacePath(config: ReplacePathMiddleware, context: MiddlewareContext): Middleware {
  const escaped = escapedPathFromRaw(config.path);
  // Go sends an empty path as `/`; the request head always holds a path starting with `/`.
  const path = escaped === null ? null : escaped === '' ? '/' : escaped.charCodeAt(0) === 0x2f ? escaped : `/${escaped}`;
  const invalid = `middleware ${context.name}: invalid URL escape in replacement path ${JSON.stringify(config.path)}`;

  return (next: Handler): Handler => (exchange: Exchange) => {
    const request = exchange.request;
    request.headers.push(replacedPathHeader, request.path);
    if (path === null) {
      sendProxyError(exchange, proxyError('INTERNAL', invalid));
      return;
    }
    request.path = path;
    return next(exchange);
  };
}
