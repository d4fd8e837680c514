/**
 * `ipAllowList` and its deprecated alias `ipWhiteList` [Traefik pkg/middlewares/ipallowlist]
 * (reference §9): only clients whose address (chosen by `ipStrategy`) is in `sourceRange` pass;
 * every other request is answered `rejectStatusCode` (403 by default) with the status text as
 * its body, as Traefik writes it (plus a text/plain Content-Type, which Traefik leaves out: every
 * response Switchyard generates says what it is, see proxy/proxy-error.ts). An address the
 * strategy cannot find (an X-Forwarded-For too short for `depth`) is rejected.
 */
import { STATUS_CODES } from 'node:http';
import type { IpAllowListMiddleware, IpWhiteListMiddleware } from '../../config/dynamic.ts';
import { sendText, type Exchange, type Handler } from '../../lib/exchange.ts';
import { createIpRangeSet } from '../../lib/ip-range.ts';
import { MiddlewareConfigError, type Middleware, type MiddlewareContext } from '../middleware.ts';
import { createIpStrategy } from '../source-criterion/ip-strategy.ts';

/** Creates an ipAllowList (or ipWhiteList, which has no rejectStatusCode) middleware. */
export function createIpAllowList(config: IpAllowListMiddleware | IpWhiteListMiddleware, _context: MiddlewareContext): Middleware {
  if (config.sourceRange.length === 0) {
    // Traefik refuses to build it ("sourceRange is empty").
    throw new MiddlewareConfigError('MIDDLEWARE_INVALID_VALUE', 'sourceRange', 'sourceRange is empty: at least one IP address or CIDR range is required');
  }
  const { set, invalid } = createIpRangeSet(config.sourceRange);
  if (invalid.length > 0) {
    const index = config.sourceRange.indexOf(invalid[0]!);
    throw new MiddlewareConfigError('MIDDLEWARE_INVALID_CIDR', `sourceRange[${index}]`,
      `expected an IP address or CIDR range like "10.0.0.0/8", got "${invalid[0]!}"`);
  }
  const status = 'rejectStatusCode' in config && config.rejectStatusCode !== 0 ? config.rejectStatusCode : 403;
  const text = STATUS_CODES[status];
  if (text === undefined) {
    throw new MiddlewareConfigError('MIDDLEWARE_INVALID_VALUE', 'rejectStatusCode', `invalid HTTP status code ${status}`);
  }
  const strategy = createIpStrategy(config.ipStrategy);

  return (next: Handler): Handler => (exchange: Exchange) => {
    const ip = strategy(exchange.request);
    if (ip === '' || !set.contains(ip)) {
      sendText(exchange, status, text);
      return;
    }
    return next(exchange);
  };
}
