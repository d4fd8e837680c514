/**
 * `udp.routers` and `udp.services` [Traefik pkg/config/dynamic/udp_config.go]. UDP routers have
 * no rule; services are a discriminated union on `kind`.
 */
import type { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { checkSingleKind } from './single-kind.ts';
import { tcpWeightedChildSchema } from './tcp.ts';
import { nonEmptyStr, str, stringList } from './scalar-schemas.ts';

/** A UDP router. */
export const udpRouterSchema = configObject({
  entryPoints: stringList().optional(),
  service: str().optional(),
});

/** A UDP server `{address: "host:port"}`. */
export const udpServerSchema = configObject({ address: nonEmptyStr() });

/** UDP `loadBalancer`. */
export const udpLoadBalancerSchema = configObject({ servers: udpServerSchema.array().default([]) });

/** UDP `weighted`. */
export const udpWeightedSchema = configObject({ services: tcpWeightedChildSchema.array().default([]) });

/** UDP `loadBalancer` config. */
export type UdpLoadBalancerService = DeepReadonly<z.output<typeof udpLoadBalancerSchema>>;
/** UDP `weighted` config. */
export type UdpWeightedService = DeepReadonly<z.output<typeof udpWeightedSchema>>;
/** A UDP service, discriminated on `kind`. */
export type UdpService =
  | { readonly kind: 'loadBalancer'; readonly loadBalancer: UdpLoadBalancerService }
  | { readonly kind: 'weighted'; readonly weighted: UdpWeightedService };

const udpServiceKinds = ['loadBalancer', 'weighted'] as const;

/** The UDP service item. */
export const udpServiceSchema = configObject({
  loadBalancer: udpLoadBalancerSchema.optional(),
  weighted: udpWeightedSchema.optional(),
}, (value, ctx) => checkSingleKind(value, udpServiceKinds, 'service', ctx)).transform((value): UdpService =>
  value.loadBalancer !== undefined
    ? { kind: 'loadBalancer', loadBalancer: value.loadBalancer }
    : { kind: 'weighted', weighted: value.weighted! });

/** A UDP router as written. */
export type UdpRouter = DeepReadonly<z.output<typeof udpRouterSchema>>;
