/**
 * TCP `ipAllowList` (and its deprecated name `ipWhiteList`): a connection from an address
 * outside `sourceRange` is closed at once (Traefik writes nothing either).
 */
import type { TcpIpAllowListMiddleware } from '../../config/dynamic.ts';
import { createIpRangeSet } from '../../lib/ip-range.ts';
import { MiddlewareConfigError } from '../middleware.ts';
import type { TcpMiddlewareFn } from './tcp-middleware.ts';

export function createTcpIpAllowList(config: TcpIpAllowListMiddleware): TcpMiddlewareFn {
  if (config.sourceRange.length === 0) {
    // Traefik refuses to build it rather than closing every connection.
    throw new MiddlewareConfigError('MIDDLEWARE_INVALID_VALUE', 'sourceRange', 'sourceRange is empty: at least one IP address or CIDR range is required');
  }
  const { set, invalid } = createIpRangeSet(config.sourceRange);
  if (invalid.length > 0) {
    const index = config.sourceRange.indexOf(invalid[0]!);
    throw new MiddlewareConfigError('MIDDLEWARE_INVALID_CIDR', `sourceRange[${index}]`,
      `expected an IP address or CIDR range like "10.0.0.0/8", got "${invalid[0]!}"`);
  }
  return (next) => (connection) => {
    if (!set.contains(connection.remoteAddress)) {
      connection.close();
      return;
    }
    next(connection);
  };
}
