/**
 * `addPrefix` [Traefik pkg/middlewares/addprefix]: path = prefix + path.
 */
import type { AddPrefixMiddleware } from '../../config/dynamic.ts';
import type { Exchange, Handler } from '../../lib/exchange.ts';
import { ensureLeadingSlash, escapePath } from '../escaped-path.ts';
import type { Middleware, MiddlewareContext } from '../middleware.ts';

/**
 * Creates an addPrefix middleware. Traefik prepends the configured prefix to the decoded path,
 * so characters of the prefix that a path cannot carry raw (a space, `%`, `?`) reach the server
 * escaped; the escaped prefix is computed once here.
 */
export function createAddPrefix(config: AddPrefixMiddleware, _context: MiddlewareContext): Middleware {
  const prefix = escapePath(config.prefix);
  return (next: Handler): Handler => (exchange: Exchange) => {
    const request = exchange.request;
    request.path = ensureLeadingSlash(prefix + request.path);
    return next(exchange);
  };
}
