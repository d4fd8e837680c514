/**
 * `http.services.<name>` [Traefik pkg/config/dynamic/http_config.go Service and friends].
 *
 * A service has exactly one kind. Parsed services are a discriminated union on `kind` that
 * also carries the kind's config under its own key (`{kind: 'weighted', weighted: {...}}`), so
 * a consumer switches on `kind` exhaustively and the API can still show the config under the
 * key Traefik uses.
 */
import { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { addIssue } from './issue-codes.ts';
import { checkSingleKind } from './single-kind.ts';
import {
  bool, duration, int, nonEmptyStr, num, oneOf, positiveDuration, statusRanges, str, stringList, stringMap,
} from './scalar-schemas.ts';

/** `servers[]` of a loadBalancer. `url` is kept exactly as written (it names the server). */
export const serverSchema = configObject({
  url: nonEmptyStr().superRefine((url, ctx) => {
    if (url.trim() !== '' && !URL.canParse(url)) {
      addIssue(ctx, 'CONFIG_INVALID_VALUE', `expected an absolute URL like "http://10.0.0.1:8080", got "${url}"`);
    }
  }),
  weight: int().default(1),
  preservePath: bool().default(false),
  /**
   * Draining (Traefik's internal `fenced`; set by the Kubernetes provider for terminating
   * endpoints): no new traffic, existing sticky and affinity clients kept.
   */
  fenced: bool().default(false),
});

/** `sticky.cookie`: defaults as Traefik's (session cookie on path `/`). */
export const stickyCookieSchema = configObject({
  name: str().optional(),
  secure: bool().default(false),
  httpOnly: bool().default(false),
  sameSite: oneOf(['', 'none', 'lax', 'strict'], { caseInsensitive: true }).default(''),
  // Negative maxAge means "Max-Age=0" (delete) in Traefik; kept as written.
  maxAge: int().default(0),
  path: str().default('/'),
  domain: str().optional(),
  /**
   * Switchyard: HMAC-SHA256 key that signs cookie values so clients cannot choose a server.
   * With a secret only signed values pin; raw and legacy values are ignored.
   */
  secret: str().superRefine((v, ctx) => {
    if (v.length < 16) addIssue(ctx, 'CONFIG_INVALID_VALUE', 'expected a secret of at least 16 characters');
  }).optional(),
});

/** Kubernetes allows ClientIP affinity timeouts of 1 s to 1 day (ServiceSpec validation). */
const maxAffinityTimeoutMs = 86_400_000;

/**
 * Switchyard: client-IP affinity with an idle timeout (Kubernetes `sessionAffinity: ClientIP`):
 * a client keeps its server while it comes back within `timeout`.
 */
export const stickyClientIpSchema = configObject({
  timeout: duration((ms) => (ms > 0 && ms <= maxAffinityTimeoutMs ? undefined
    : 'must be greater than 0 and at most 86400s (the Kubernetes limit)')).default(10_800_000),
});

/** `sticky` of a loadBalancer or weighted service. */
export const stickySchema = configObject({
  cookie: stickyCookieSchema.optional(),
  clientIP: stickyClientIpSchema.optional(),
});

/** Active health check of a loadBalancer's servers. */
export const healthCheckSchema = configObject({
  scheme: str().optional(),
  mode: oneOf(['http', 'grpc']).default('http'),
  path: str().optional(),
  method: str().default('GET'),
  /** Expected status; 0 accepts 200 ≤ status < 400. */
  status: int({ min: 0, max: 999 }).default(0),
  port: int({ min: 0, max: 65535 }).default(0),
  interval: positiveDuration('30s').default(30_000),
  /** Probe period for servers that are down; defaults to `interval` when absent. */
  unhealthyInterval: positiveDuration('the interval').optional(),
  timeout: positiveDuration('5s').default(5_000),
  hostname: str().optional(),
  followRedirects: bool().default(true),
  headers: stringMap().optional(),
  /** Switchyard: consecutive successful probes before a DOWN server is UP again (Traefik: 1). */
  rise: int({ min: 1 }).default(1),
  /** Switchyard: consecutive failed probes before an UP server is DOWN (Traefik: 1). */
  fall: int({ min: 1 }).default(1),
  /** Switchyard: probe every server as soon as the service is built (Traefik waits one interval). */
  probeAtStart: bool().default(false),
});

/** Passive health check: a server goes down after failures within a window. */
export const passiveHealthCheckSchema = configObject({
  failureWindow: positiveDuration('10s').default(10_000),
  maxFailedAttempts: int({ min: 1 }).default(1),
});

/** `responseForwarding`: negative flushInterval means "flush after every write" (kept). */
export const responseForwardingSchema = configObject({
  flushInterval: duration().default(100),
});

/** Selection strategies: Traefik's four, plus `drr` (Traefik 1.x) and `hash` (Switchyard). */
export const loadBalancerStrategies = ['wrr', 'p2c', 'hrw', 'leasttime', 'drr', 'hash'] as const;

// Traefik treats an empty strategy as wrr.
const strategy = z.preprocess((value) => (value === '' ? 'wrr' : value), oneOf(loadBalancerStrategies));

/**
 * Switchyard: `strategy: hash` keys. Exactly one of `header`, `cookie`, `query` names where the
 * key is read; requests without it are spread by weighted round robin. Consistent hashing with
 * bounded load: no server takes more than `loadFactor` times the mean in-flight load (a hot key
 * spills to the next server on the ring); 0 turns the bound off.
 */
export const hashSchema = configObject({
  header: nonEmptyStr().optional(),
  cookie: nonEmptyStr().optional(),
  query: nonEmptyStr().optional(),
  loadFactor: num().default(1.25),
}, (value, ctx) => {
  const set = (['header', 'cookie', 'query'] as const).filter((k) => value[k] !== undefined);
  if (set.length !== 1) {
    addIssue(ctx, 'CONFIG_INVALID_VALUE', `expected exactly one of header, cookie, query, got ${set.length === 0 ? 'none' : set.join(' and ')}`);
  }
  const f = value.loadFactor;
  if (typeof f === 'number' && f !== 0 && !(f > 1)) {
    addIssue(ctx, 'CONFIG_INVALID_VALUE', `expected a loadFactor greater than 1 (or 0 for no bound), got ${f}`, ['loadFactor']);
  }
});

/** `loadBalancer`: servers and how requests are spread over them. */
export const loadBalancerSchema = configObject({
  sticky: stickySchema.optional(),
  servers: serverSchema.array().default([]),
  strategy: strategy.default('wrr'),
  healthCheck: healthCheckSchema.optional(),
  passiveHealthCheck: passiveHealthCheckSchema.optional(),
  passHostHeader: bool().default(true),
  responseForwarding: responseForwardingSchema.prefault({}),
  serversTransport: str().optional(),
  /** Switchyard: the key of `strategy: hash`. */
  hash: hashSchema.optional(),
  /** Switchyard: a server that becomes UP ramps its share of new traffic up over this duration (0: off). */
  slowStart: duration().default(0),
}, (value, ctx) => {
  if (value.strategy === 'hash' && value.hash === undefined) {
    addIssue(ctx, 'CONFIG_INVALID_VALUE', 'strategy hash needs a hash section naming a header, cookie or query parameter', ['strategy']);
  }
  if (value.slowStart > 0 && (value.strategy === 'hrw' || value.strategy === 'hash')) {
    addIssue(ctx, 'CONFIG_INVALID_VALUE',
      `slowStart does not apply to strategy ${value.strategy}: a hash places each client by its key, and ramping a server would move keys`, ['slowStart']);
  }
  if (value.hash !== undefined && value.strategy !== 'hash') {
    addIssue(ctx, 'CONFIG_INVALID_VALUE', `hash is only used with strategy hash, got strategy ${String(value.strategy)}`, ['hash']);
  }
});

/** `healthCheck: {}` on weighted/mirroring/failover/hrw: enables health propagation. */
export const serviceHealthCheckSchema = configObject({});

/** A child reference of a weighted or highestRandomWeight service. */
export const weightedChildSchema = configObject({
  name: nonEmptyStr(),
  weight: int().default(1),
});

/** `weighted`: weighted round robin over child services. */
export const weightedServiceSchema = configObject({
  services: weightedChildSchema.array().default([]),
  sticky: stickySchema.optional(),
  healthCheck: serviceHealthCheckSchema.optional(),
});

/** `mirrors[]` of a mirroring service; `percent` 0 never mirrors. */
export const mirrorSchema = configObject({
  name: nonEmptyStr(),
  percent: int({ min: 0, max: 100 }).default(0),
  /** Switchyard: record status, body-digest and latency differences against the main service. */
  compare: bool().default(false),
});

/** `mirroring`: the main service plus mirrors receiving a percentage of requests. */
export const mirroringServiceSchema = configObject({
  service: nonEmptyStr(),
  mirrorBody: bool().default(true),
  // -1 = unlimited (Traefik's meaning).
  maxBodySize: int().default(-1),
  mirrors: mirrorSchema.array().default([]),
  healthCheck: serviceHealthCheckSchema.optional(),
  /**
   * Switchyard: bytes of request body buffered per mirror ahead of what it has consumed; a
   * mirror that falls further behind is aborted (never sent a truncated body).
   */
  mirrorBufferBytes: int({ min: 1 }).default(1024 * 1024),
});

/** `failover.errors`: status-based failover. */
export const failoverErrorsSchema = configObject({
  status: statusRanges().default([]),
  maxRequestBodyBytes: int().default(-1),
});

/** `failover`: main service, fallback when it is down (or answers a listed status). */
export const failoverServiceSchema = configObject({
  service: nonEmptyStr(),
  fallback: nonEmptyStr(),
  healthCheck: serviceHealthCheckSchema.optional(),
  errors: failoverErrorsSchema.optional(),
});

/** `highestRandomWeight`: rendezvous hashing over child services. */
export const highestRandomWeightServiceSchema = configObject({
  services: weightedChildSchema.array().default([]),
  healthCheck: serviceHealthCheckSchema.optional(),
});

/** The kinds of HTTP service. */
export const httpServiceKinds = ['loadBalancer', 'weighted', 'mirroring', 'failover', 'highestRandomWeight'] as const;

/** One of `loadBalancer`, `weighted`, `mirroring`, `failover`, `highestRandomWeight`. */
export type HttpServiceKind = (typeof httpServiceKinds)[number];

/** A server of a loadBalancer: `{url, weight, preservePath}`. */
export type ServerConfig = DeepReadonly<z.output<typeof serverSchema>>;
/** `sticky.cookie`. */
export type StickyCookieConfig = DeepReadonly<z.output<typeof stickyCookieSchema>>;
/** `sticky`. */
export type StickyConfig = DeepReadonly<z.output<typeof stickySchema>>;
/** `sticky.clientIP` (timeout in ms). */
export type StickyClientIpConfig = DeepReadonly<z.output<typeof stickyClientIpSchema>>;
/** `hash` of a loadBalancer with `strategy: hash`. */
export type HashConfig = DeepReadonly<z.output<typeof hashSchema>>;
/** A loadBalancer strategy. */
export type LoadBalancerStrategy = (typeof loadBalancerStrategies)[number];
/** Active health check (durations in ms). */
export type HealthCheckConfig = DeepReadonly<z.output<typeof healthCheckSchema>>;
/** Passive health check (durations in ms). */
export type PassiveHealthCheckConfig = DeepReadonly<z.output<typeof passiveHealthCheckSchema>>;
/** `responseForwarding` (flushInterval in ms). */
export type ResponseForwardingConfig = DeepReadonly<z.output<typeof responseForwardingSchema>>;
/** `loadBalancer` service config. */
export type LoadBalancerService = DeepReadonly<z.output<typeof loadBalancerSchema>>;
/** `healthCheck: {}` on a service that aggregates children. */
export type ServiceHealthCheckConfig = DeepReadonly<z.output<typeof serviceHealthCheckSchema>>;
/** A weighted/hrw child reference `{name, weight}`. */
export type WeightedChild = DeepReadonly<z.output<typeof weightedChildSchema>>;
/** `weighted` service config. */
export type WeightedService = DeepReadonly<z.output<typeof weightedServiceSchema>>;
/** A mirror `{name, percent}`. */
export type MirrorConfig = DeepReadonly<z.output<typeof mirrorSchema>>;
/** `mirroring` service config. */
export type MirroringService = DeepReadonly<z.output<typeof mirroringServiceSchema>>;
/** `failover.errors`. */
export type FailoverErrorsConfig = DeepReadonly<z.output<typeof failoverErrorsSchema>>;
/** `failover` service config. */
export type FailoverService = DeepReadonly<z.output<typeof failoverServiceSchema>>;
/** `highestRandomWeight` service config. */
export type HighestRandomWeightService = DeepReadonly<z.output<typeof highestRandomWeightServiceSchema>>;

/** Config type of each service kind. */
export interface HttpServiceConfigs {
  readonly loadBalancer: LoadBalancerService;
  readonly weighted: WeightedService;
  readonly mirroring: MirroringService;
  readonly failover: FailoverService;
  readonly highestRandomWeight: HighestRandomWeightService;
}

/**
 * A parsed HTTP service: `{kind, [kind]: config, middlewares}`, discriminated on `kind`.
 * `middlewares` (service-level, applied after the router's) is always present, possibly empty.
 */
export type HttpService = {
  readonly [K in HttpServiceKind]: { readonly kind: K; readonly middlewares: readonly string[] }
    & { readonly [P in K]: HttpServiceConfigs[K] };
}[HttpServiceKind];

/** The service item: one kind key (plus `middlewares`), turned into the `HttpService` union. */
export const httpServiceSchema = configObject({
  loadBalancer: loadBalancerSchema.optional(),
  weighted: weightedServiceSchema.optional(),
  mirroring: mirroringServiceSchema.optional(),
  failover: failoverServiceSchema.optional(),
  highestRandomWeight: highestRandomWeightServiceSchema.optional(),
  middlewares: stringList().optional(),
}, (value, ctx) => checkSingleKind(value, httpServiceKinds, 'service', ctx)).transform((value): HttpService => {
  const middlewares = value.middlewares ?? [];
  // checkSingleKind guarantees exactly one kind is present.
  const kind = httpServiceKinds.find((k) => value[k] !== undefined)!;
  return { kind, [kind]: value[kind], middlewares } as unknown as HttpService;
});

