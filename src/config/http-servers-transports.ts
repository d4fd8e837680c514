/**
 * `http.serversTransports.<name>`: how Switchyard talks to servers (TLS, pools, timeouts)
 * [Traefik pkg/config/dynamic/http_config.go ServersTransport].
 */
import type { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { bool, duration, int, str, stringList } from './scalar-schemas.ts';
import { certificatePairSchema, spiffeSchema } from './tls-files.ts';

/** Timeouts towards servers (ms); 0 means none. */
export const forwardingTimeoutsSchema = configObject({
  dialTimeout: duration().default(30_000),
  responseHeaderTimeout: duration().default(0),
  idleConnTimeout: duration().default(90_000),
  readIdleTimeout: duration().default(0),
  pingTimeout: duration().default(15_000),
});

/** One HTTP servers transport. */
export const httpServersTransportSchema = configObject({
  serverName: str().optional(),
  insecureSkipVerify: bool().default(false),
  rootCAs: stringList().optional(),
  certificates: certificatePairSchema.array().optional(),
  cipherSuites: stringList().optional(),
  minVersion: str().optional(),
  maxVersion: str().optional(),
  // 0 = the static default (200); negative disables connection reuse (Traefik's meaning).
  maxIdleConnsPerHost: int().default(0),
  forwardingTimeouts: forwardingTimeoutsSchema.prefault({}),
  disableHTTP2: bool().default(false),
  peerCertURI: str().optional(),
  peerCertSANs: stringList().optional(),
  spiffe: spiffeSchema.optional(),
});

/** `forwardingTimeouts` (ms). */
export type ForwardingTimeoutsConfig = DeepReadonly<z.output<typeof forwardingTimeoutsSchema>>;
/** One HTTP servers transport. */
export type HttpServersTransport = DeepReadonly<z.output<typeof httpServersTransportSchema>>;
