/**
 * Static `serversTransport`, `tcpServersTransport`, `global` and `core` sections: the defaults
 * behind `default@internal` transports and process-wide switches.
 */
import type { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { forwardingTimeoutsSchema } from './http-servers-transports.ts';
import { bool, duration, int, oneOf, stringList } from './scalar-schemas.ts';
import { spiffeSchema } from './tls-files.ts';

/** `serversTransport`: defaults for HTTP servers transports. */
export const staticServersTransportSchema = configObject({
  insecureSkipVerify: bool().default(false),
  rootCAs: stringList().optional(),
  maxIdleConnsPerHost: int().default(200),
  forwardingTimeouts: forwardingTimeoutsSchema.prefault({}),
  spiffe: spiffeSchema.optional(),
});

const staticTcpTlsSchema = configObject({
  insecureSkipVerify: bool().default(false),
  rootCAs: stringList().optional(),
  spiffe: spiffeSchema.optional(),
});

/** `tcpServersTransport`: defaults for TCP servers transports (ms). */
export const staticTcpServersTransportSchema = configObject({
  dialKeepAlive: duration().default(15_000),
  dialTimeout: duration().default(30_000),
  terminationDelay: duration().default(100),
  tls: staticTcpTlsSchema.optional(),
});

/** `global`. */
export const globalSchema = configObject({
  checkNewVersion: bool().default(true),
  sendAnonymousUsage: bool().default(false),
  notAppendXForwardedFor: bool().default(false),
});

/** `core`. */
export const coreSchema = configObject({
  defaultRuleSyntax: oneOf(['v3', 'v2']).default('v3'),
});

/** `serversTransport` (durations in ms). */
export type StaticServersTransportConfig = DeepReadonly<z.output<typeof staticServersTransportSchema>>;
/** `tcpServersTransport` (durations in ms). */
export type StaticTcpServersTransportConfig = DeepReadonly<z.output<typeof staticTcpServersTransportSchema>>;
/** `global`. */
export type GlobalConfig = DeepReadonly<z.output<typeof globalSchema>>;
/** `core`. */
export type CoreConfig = DeepReadonly<z.output<typeof coreSchema>>;
