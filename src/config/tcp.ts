/**
 * `tcp.routers`, `tcp.services`, `tcp.middlewares`, `tcp.serversTransports`
 * [Traefik pkg/config/dynamic/tcp_config.go, tcp_middlewares.go]. Services and middlewares are
 * discriminated unions on `kind`, like their HTTP counterparts.
 */
import { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { tlsDomainSchema } from './http-routers.ts';
import { ipRangeList } from './ip-range.ts';
import {
  bool, duration, int, nonEmptyStr, oneOf, positiveDuration, str, stringList,
} from './scalar-schemas.ts';
import { checkSingleKind } from './single-kind.ts';
import { certificatePairSchema, spiffeSchema } from './tls-files.ts';

/** `tls` of a TCP router; `passthrough` forwards the TLS stream untouched. */
export const tcpRouterTlsSchema = configObject({
  passthrough: bool().default(false),
  options: str().optional(),
  certResolver: str().optional(),
  domains: tlsDomainSchema.array().optional(),
});

/** A TCP router. */
export const tcpRouterSchema = configObject({
  entryPoints: stringList().optional(),
  middlewares: stringList().optional(),
  service: str().optional(),
  rule: str().optional(),
  ruleSyntax: oneOf(['v3', 'v2', '']).optional(),
  priority: int({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }).default(0),
  tls: tcpRouterTlsSchema.optional(),
});

/** `proxyProtocol` towards servers: PROXY header version 1 or 2. */
export const proxyProtocolSchema = configObject({
  version: int({ min: 1, max: 2 }).default(2),
});

/** A TCP server: `host:port`, optionally TLS. */
export const tcpServerSchema = configObject({
  address: nonEmptyStr(),
  tls: bool().default(false),
});

/** Active TCP health check (durations in ms). */
export const tcpHealthCheckSchema = configObject({
  port: int({ min: 0, max: 65535 }).default(0),
  send: str().optional(),
  expect: str().optional(),
  interval: positiveDuration('30s').default(30_000),
  unhealthyInterval: positiveDuration('the interval').optional(),
  timeout: positiveDuration('5s').default(5_000),
});

/** TCP `loadBalancer`. `terminationDelay` is in ms (deprecated here in favour of the transport). */
export const tcpLoadBalancerSchema = configObject({
  servers: tcpServerSchema.array().default([]),
  serversTransport: str().optional(),
  proxyProtocol: proxyProtocolSchema.optional(),
  terminationDelay: int().optional(),
  healthCheck: tcpHealthCheckSchema.optional(),
});

/** A weighted child `{name, weight}` of a TCP or UDP weighted service. */
export const tcpWeightedChildSchema = configObject({
  name: nonEmptyStr(),
  weight: int().default(1),
});

/** TCP `weighted`. */
export const tcpWeightedSchema = configObject({
  services: tcpWeightedChildSchema.array().default([]),
  healthCheck: configObject({}).optional(),
});

const tcpServiceKinds = ['loadBalancer', 'weighted'] as const;

/** TCP `loadBalancer` config. */
export type TcpLoadBalancerService = DeepReadonly<z.output<typeof tcpLoadBalancerSchema>>;
/** TCP `weighted` config. */
export type TcpWeightedService = DeepReadonly<z.output<typeof tcpWeightedSchema>>;
/** A TCP service, discriminated on `kind`. */
export type TcpService =
  | { readonly kind: 'loadBalancer'; readonly loadBalancer: TcpLoadBalancerService }
  | { readonly kind: 'weighted'; readonly weighted: TcpWeightedService };

/** The TCP service item. */
export const tcpServiceSchema = configObject({
  loadBalancer: tcpLoadBalancerSchema.optional(),
  weighted: tcpWeightedSchema.optional(),
}, (value, ctx) => checkSingleKind(value, tcpServiceKinds, 'service', ctx)).transform((value): TcpService =>
  value.loadBalancer !== undefined
    ? { kind: 'loadBalancer', loadBalancer: value.loadBalancer }
    : { kind: 'weighted', weighted: value.weighted! });

const tcpMiddlewareKinds = ['ipAllowList', 'ipWhiteList', 'inFlightConn'] as const;

/** TCP `ipAllowList` / `ipWhiteList` config. */
export const tcpIpAllowListSchema = configObject({ sourceRange: ipRangeList().default([]) });
/** TCP `inFlightConn`: at most `amount` simultaneous connections per client IP. */
export const inFlightConnSchema = configObject({ amount: int({ min: 1 }) });

/** TCP `ipAllowList` (and `ipWhiteList`) config. */
export type TcpIpAllowListMiddleware = DeepReadonly<z.output<typeof tcpIpAllowListSchema>>;
/** TCP `inFlightConn` config. */
export type InFlightConnMiddleware = DeepReadonly<z.output<typeof inFlightConnSchema>>;
/** TCP middleware kind keys. */
export type TcpMiddlewareKind = (typeof tcpMiddlewareKinds)[number];
/** A TCP middleware, discriminated on `kind`. */
export type TcpMiddleware =
  | { readonly kind: 'ipAllowList'; readonly ipAllowList: TcpIpAllowListMiddleware }
  | { readonly kind: 'ipWhiteList'; readonly ipWhiteList: TcpIpAllowListMiddleware }
  | { readonly kind: 'inFlightConn'; readonly inFlightConn: InFlightConnMiddleware };

/** The TCP middleware item. */
export const tcpMiddlewareSchema = configObject({
  ipAllowList: tcpIpAllowListSchema.optional(),
  ipWhiteList: tcpIpAllowListSchema.optional(),
  inFlightConn: inFlightConnSchema.optional(),
}, (value, ctx) => checkSingleKind(value, tcpMiddlewareKinds, 'middleware', ctx)).transform((value): TcpMiddleware => {
  if (value.ipAllowList !== undefined) return { kind: 'ipAllowList', ipAllowList: value.ipAllowList };
  if (value.ipWhiteList !== undefined) return { kind: 'ipWhiteList', ipWhiteList: value.ipWhiteList };
  return { kind: 'inFlightConn', inFlightConn: value.inFlightConn! };
});

/** `tls` of a TCP servers transport. */
export const tcpClientTlsSchema = configObject({
  serverName: str().optional(),
  insecureSkipVerify: bool().default(false),
  rootCAs: stringList().optional(),
  certificates: certificatePairSchema.array().optional(),
  peerCertURI: str().optional(),
  peerCertSANs: stringList().optional(),
  spiffe: spiffeSchema.optional(),
});

/** A TCP servers transport (durations in ms; negative terminationDelay = never close the read side). */
export const tcpServersTransportSchema = configObject({
  dialKeepAlive: duration().default(15_000),
  dialTimeout: duration().default(30_000),
  terminationDelay: duration().default(100),
  proxyProtocol: proxyProtocolSchema.optional(),
  tls: tcpClientTlsSchema.optional(),
});

/** A TCP router as written. */
export type TcpRouter = DeepReadonly<z.output<typeof tcpRouterSchema>>;
/** A TCP server `{address, tls}`. */
export type TcpServerConfig = DeepReadonly<z.output<typeof tcpServerSchema>>;
/** TCP health check config (ms). */
export type TcpHealthCheckConfig = DeepReadonly<z.output<typeof tcpHealthCheckSchema>>;
/** A TCP servers transport. */
export type TcpServersTransport = DeepReadonly<z.output<typeof tcpServersTransportSchema>>;
