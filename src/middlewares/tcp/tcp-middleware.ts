/**
 * TCP middlewares (`tcp.middlewares`): functions that wrap the next TCP handler, built per
 * router like HTTP middlewares. Traefik has two kinds, ipAllowList (alias ipWhiteList) and
 * inFlightConn; a refused connection is closed without a byte written, as Traefik does.
 */
import type { TcpMiddleware, TcpMiddlewareKind } from '../../config/dynamic.ts';
import type { TcpHandler } from '../../lib/tcp-connection.ts';
import { createTcpInFlightConn } from './in-flight-conn.ts';
import { createTcpIpAllowList } from './ip-allow-list.ts';

/** Wraps the next handler of a TCP router's chain. */
export type TcpMiddlewareFn = (next: TcpHandler) => TcpHandler;

/** The config of one TCP middleware kind. */
type TcpMiddlewareConfig<K extends TcpMiddlewareKind> = Extract<TcpMiddleware, { kind: K }> extends { readonly [P in K]: infer C } ? C : never;

type Factories = { readonly [K in TcpMiddlewareKind]: (config: TcpMiddlewareConfig<K>) => TcpMiddlewareFn };

/** Every TCP middleware kind's factory (a missing kind does not compile). */
export const tcpMiddlewareFactories: Factories = {
  ipAllowList: createTcpIpAllowList,
  ipWhiteList: createTcpIpAllowList,
  inFlightConn: createTcpInFlightConn,
};

/** Builds a TCP middleware from its parsed config. Throws MiddlewareConfigError on a bad range. */
export function buildTcpMiddleware(config: TcpMiddleware): TcpMiddlewareFn {
  switch (config.kind) {
    case 'ipAllowList':
      return tcpMiddlewareFactories.ipAllowList(config.ipAllowList);
    case 'ipWhiteList':
      return tcpMiddlewareFactories.ipWhiteList(config.ipWhiteList);
    case 'inFlightConn':
      return tcpMiddlewareFactories.inFlightConn(config.inFlightConn);
    default: {
      const never: never = config;
      throw new Error(`unknown TCP middleware kind ${String(never)}`);
    }
  }
}
