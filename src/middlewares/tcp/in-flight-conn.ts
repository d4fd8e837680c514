/**
 * TCP `inFlightConn`: at most `amount` open connections per client IP; one more is closed at
 * once. The count drops when a connection closes, and an IP with none open is forgotten, so
 * memory follows the number of clients connected now.
 */
import type { InFlightConnMiddleware } from '../../config/dynamic.ts';
import type { TcpMiddlewareFn } from './tcp-middleware.ts';

export function createTcpInFlightConn(config: InFlightConnMiddleware): TcpMiddlewareFn {
  const open = new Map<string, number>();
  return (next) => (connection) => {
    const ip = connection.remoteAddress;
    const count = open.get(ip) ?? 0;
    if (count >= config.amount) {
      connection.close();
      return;
    }
    open.set(ip, count + 1);
    let released = false;
    connection.onClose(() => {
      if (released) return;
      released = true;
      const now = (open.get(ip) ?? 1) - 1;
      if (now <= 0) open.delete(ip);
      else open.set(ip, now);
    });
    next(connection);
  };
}
