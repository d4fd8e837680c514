/**
 * Static `entryPoints.<name>` [Traefik pkg/config/static/entrypoints.go]. Durations in ms.
 */
import type { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { encodedCharactersSchema } from './http-middlewares-headers.ts';
import { routerTlsSchema } from './http-routers.ts';
import { ipRangeList } from './ip-range.ts';
import { addIssue } from './issue-codes.ts';
import { bool, duration, int, nonEmptyStr, oneOf, str, stringList } from './scalar-schemas.ts';

/** Where an entry point listens, parsed from its `address`. */
export interface ListenAddress {
  /** Host or IP to bind; '' means all interfaces. IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
}

const addressPattern = /^(?:\[([^\]]*)\]|([^:[\]/]*)):(\d{1,5})(?:\/([A-Za-z]+))?$/;

/** Parses `:80`, `1.2.3.4:443`, `[::]:443`, `:53/udp`; a message saying what was expected when malformed. */
export function parseListenAddress(address: string): ListenAddress | string {
  const match = addressPattern.exec(address.trim());
  if (match === null) return 'expected host:port with an optional /tcp or /udp suffix, like ":80", "0.0.0.0:443" or ":53/udp"';
  const port = Number(match[3]);
  if (port > 65535) return `port ${port} is out of range (0-65535)`;
  const protocol = (match[4] ?? 'tcp').toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp') return `unknown protocol "${match[4]}"; expected tcp or udp`;
  return { host: match[1] ?? match[2] ?? '', port, protocol };
}

const lifeCycleSchema = configObject({
  requestAcceptGraceTimeout: duration().default(0),
  graceTimeOut: duration().default(10_000),
});

const respondingTimeoutsSchema = configObject({
  readTimeout: duration().default(60_000),
  writeTimeout: duration().default(0),
  idleTimeout: duration().default(180_000),
});

const transportSchema = configObject({
  lifeCycle: lifeCycleSchema.prefault({}),
  respondingTimeouts: respondingTimeoutsSchema.prefault({}),
  keepAliveMaxRequests: int({ min: 0 }).default(0),
  keepAliveMaxTime: duration().default(0),
});

const forwardedHeadersSchema = configObject({
  insecure: bool().default(false),
  trustedIPs: ipRangeList().default([]),
  connection: stringList().default([]),
  notAppendXForwardedFor: bool().default(false),
});

const proxyProtocolSchema = configObject({
  insecure: bool().default(false),
  trustedIPs: ipRangeList().default([]),
});

const redirectEntryPointSchema = configObject({
  to: nonEmptyStr(),
  scheme: str().default('https'),
  permanent: bool().default(true),
  // Traefik's default is MaxInt-1; the largest exact integer here stands in for it.
  priority: int().default(Number.MAX_SAFE_INTEGER - 1),
});

const redirectionsSchema = configObject({
  entryPoint: redirectEntryPointSchema.optional(),
});

const entryPointHttpSchema = configObject({
  redirections: redirectionsSchema.optional(),
  middlewares: stringList().default([]),
  tls: routerTlsSchema.optional(),
  encodedCharacters: encodedCharactersSchema.optional(),
  encodeQuerySemicolons: bool().default(false),
  sanitizePath: bool().default(true),
  maxHeaderBytes: int({ min: 1 }).default(1_048_576),
  underscoreHeadersStrategy: oneOf(['keep', 'delete', 'reject']).default('keep'),
  /**
   * (Switchyard) Which HTTP/1.1 engine serves this entry point: `node` (node:http) or `raw`
   * (server/raw-http1/). Unset: `SWITCHYARD_ENGINE`, else `node`. HTTP/2 is node:http2 on both.
   */
  engine: oneOf(['node', 'raw']).optional(),
});

const http2Schema = configObject({
  maxConcurrentStreams: int({ min: 1 }).default(250),
  maxDecoderHeaderTableSize: int({ min: 0 }).default(4096),
  maxEncoderHeaderTableSize: int({ min: 0 }).default(4096),
});

const http3Schema = configObject({
  advertisedPort: int({ min: 0, max: 65535 }).default(0),
});

const udpSchema = configObject({
  timeout: duration((ms) => (ms > 0 ? undefined : 'expected a duration greater than 0')).default(3_000),
});

const observabilitySchema = configObject({
  accessLogs: bool().default(true),
  metrics: bool().default(true),
  tracing: bool().default(true),
  traceVerbosity: oneOf(['minimal', 'detailed']).default('minimal'),
});

/** One entry point. `listen` is `address` parsed. */
export const entryPointSchema = configObject({
  address: nonEmptyStr(),
  asDefault: bool().default(false),
  reusePort: bool().default(false),
  transport: transportSchema.prefault({}),
  forwardedHeaders: forwardedHeadersSchema.prefault({}),
  proxyProtocol: proxyProtocolSchema.optional(),
  http: entryPointHttpSchema.prefault({}),
  http2: http2Schema.prefault({}),
  http3: http3Schema.optional(),
  udp: udpSchema.prefault({}),
  observability: observabilitySchema.prefault({}),
}).transform((value, ctx) => {
  const listen = parseListenAddress(value.address);
  if (typeof listen === 'string') {
    addIssue(ctx, 'CONFIG_INVALID_VALUE', `${listen}, got "${value.address}"`, ['address']);
    return { ...value, listen: { host: '', port: 0, protocol: 'tcp' as const } };
  }
  return { ...value, listen };
});

/** One static entry point (durations in ms), with its parsed `listen` address. */
export type EntryPointConfig = DeepReadonly<z.output<typeof entryPointSchema>>;
