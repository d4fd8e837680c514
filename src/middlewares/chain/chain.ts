/**
 * `chain` [Traefik pkg/middlewares/chain]: other middlewares, applied in the order listed (the
 * first one sees the request first and the response last).
 */
import type { ChainMiddleware } from '../../config/dynamic.ts';
import type { Handler } from '../../lib/exchange.ts';
import { qualifyName } from '../../lib/qualified-name.ts';
import type { Middleware, MiddlewareContext } from '../middleware.ts';

/**
 * Creates a chain middleware. References without `@` take the chain's own provider, as
 * Traefik qualifies them; every member is built here, once, through the context's builder.
 */
export function createChain(config: ChainMiddleware, context: MiddlewareContext): Middleware {
  const members = config.middlewares.map((ref) => context.build(qualifyName(ref, context.provider)));
  return (next: Handler): Handler => {
    let handler = next;
    for (let i = members.length - 1; i >= 0; i--) handler = members[i]!(handler);
    return handler;
  };
}
