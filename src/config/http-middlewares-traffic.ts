/**
 * Traffic-control middlewares: ipAllowList (and its deprecated alias ipWhiteList), rateLimit,
 * inFlightReq, retry, circuitBreaker, buffering, compress, errors
 * [Traefik pkg/config/dynamic/middlewares.go].
 */
import { z } from 'zod';
import { configObject } from './config-object.ts';
import type { DeepReadonly } from './deep-readonly.ts';
import { ipRangeList } from './ip-range.ts';
import { addIssue } from './issue-codes.ts';
import {
  bool, duration, int, nonEmptyStr, oneOf, positiveDuration, statusRanges, str, stringList,
} from './scalar-schemas.ts';

/** `ipStrategy`: which address is the client's (D: the TCP peer). */
export const ipStrategySchema = configObject({
  depth: int({ min: 0 }).default(0),
  excludedIPs: ipRangeList().optional(),
  ipv6Subnet: int({ min: 0, max: 128 }).optional(),
});

/** `ipAllowList`: only clients in `sourceRange` pass. */
export const ipAllowListSchema = configObject({
  sourceRange: ipRangeList().default([]),
  ipStrategy: ipStrategySchema.optional(),
  /** 0 means the default, 403, as in Traefik. */
  rejectStatusCode: int({ min: 0, max: 599 }).default(403),
});

/** `ipWhiteList`: deprecated alias of ipAllowList (no rejectStatusCode). */
export const ipWhiteListSchema = configObject({
  sourceRange: ipRangeList().default([]),
  ipStrategy: ipStrategySchema.optional(),
});

/** `sourceCriterion`: what a limit counts per; at most one of its fields may be set. */
export const sourceCriterionSchema = configObject({
  ipStrategy: ipStrategySchema.optional(),
  requestHeaderName: str().optional(),
  requestHost: bool().optional(),
}, (value, ctx) => {
  const set = [value.ipStrategy !== undefined, value.requestHeaderName !== undefined && value.requestHeaderName !== '',
    value.requestHost === true].filter(Boolean).length;
  if (set > 1) addIssue(ctx, 'CONFIG_INVALID_VALUE', 'iPStrategy, requestHeaderName and requestHost are mutually exclusive; set only one');
});

/** `rateLimit.redis.tls`. */
export const redisTlsSchema = configObject({
  ca: str().optional(),
  cert: str().optional(),
  key: str().optional(),
  insecureSkipVerify: bool().default(false),
});

/** `rateLimit.redis`: a shared store for distributed rate limiting. */
export const redisSchema = configObject({
  endpoints: stringList().default(['localhost:6379']),
  tls: redisTlsSchema.optional(),
  username: str().optional(),
  password: str().optional(),
  db: int({ min: 0 }).default(0),
  poolSize: int({ min: 0 }).default(0),
  minIdleConns: int({ min: 0 }).default(0),
  maxActiveConns: int({ min: 0 }).default(0),
  readTimeout: duration().optional(),
  writeTimeout: duration().optional(),
  dialTimeout: duration().optional(),
});

/** `rateLimit`: token bucket of `average` requests per `period` (ms), bursting to `burst`. */
export const rateLimitSchema = configObject({
  average: int({ min: 0 }).default(0),
  // Traefik documents period 0 as "1s"; negative is an error there too.
  period: duration((ms) => (ms < 0 ? 'must not be negative' : undefined))
    .transform((ms) => (ms === 0 ? 1000 : ms)).default(1000),
  burst: int({ min: 1 }).default(1),
  sourceCriterion: sourceCriterionSchema.optional(),
  redis: redisSchema.optional(),
});

/** `inFlightReq`: at most `amount` simultaneous requests per source (D: per request host). */
export const inFlightReqSchema = configObject({
  amount: int({ min: 1 }),
  sourceCriterion: sourceCriterionSchema.optional(),
});

/** `retry`: re-send failed requests (durations in ms). */
export const retrySchema = configObject({
  attempts: int({ min: 1 }),
  initialInterval: duration().default(0),
  timeout: duration().default(0),
  status: statusRanges().optional(),
  disableRetryOnNetworkError: bool().default(false),
  retryNonIdempotentMethod: bool().default(false),
  maxRequestBodyBytes: int().default(2 * 1024 * 1024),
});

/** `circuitBreaker`: trips on `expression`, serves `responseCode` while open (durations in ms). */
export const circuitBreakerSchema = configObject({
  expression: nonEmptyStr(),
  checkPeriod: positiveDuration('100ms').default(100),
  fallbackDuration: positiveDuration('10s').default(10_000),
  recoveryDuration: positiveDuration('10s').default(10_000),
  responseCode: int({ min: 100, max: 599 }).default(503),
});

/** `buffering`: read whole bodies before forwarding (0 = unlimited). */
export const bufferingSchema = configObject({
  maxRequestBodyBytes: int({ min: 0 }).default(0),
  memRequestBodyBytes: int({ min: 0 }).default(1024 * 1024),
  maxResponseBodyBytes: int({ min: 0 }).default(0),
  memResponseBodyBytes: int({ min: 0 }).default(1024 * 1024),
  retryExpression: str().optional(),
});

const encodings = ['gzip', 'br', 'zstd'] as const;

/** `compress`: response compression. */
export const compressSchema = configObject({
  excludedContentTypes: stringList().optional(),
  includedContentTypes: stringList().optional(),
  minResponseBodyBytes: int({ min: 0 }).default(1024),
  encodings: z.array(oneOf(encodings)).default(['gzip', 'br', 'zstd']),
  defaultEncoding: oneOf(encodings).optional(),
}, (value, ctx) => {
  if ((value.excludedContentTypes?.length ?? 0) > 0 && (value.includedContentTypes?.length ?? 0) > 0) {
    addIssue(ctx, 'CONFIG_INVALID_VALUE', 'excludedContentTypes and includedContentTypes are mutually exclusive');
  }
});

/** `errors`: serve an error page from `service` for the listed statuses. */
export const errorsSchema = configObject({
  status: statusRanges().default([]),
  service: nonEmptyStr(),
  query: str().optional(),
  statusRewrites: z.record(z.string(), int({ min: 100, max: 599 })).optional(),
  errorRequestHeaders: stringList().optional(),
});

/** `ipStrategy` config. */
export type IpStrategyConfig = DeepReadonly<z.output<typeof ipStrategySchema>>;
/** `sourceCriterion` config. */
export type SourceCriterionConfig = DeepReadonly<z.output<typeof sourceCriterionSchema>>;
/** `ipAllowList` config. */
export type IpAllowListMiddleware = DeepReadonly<z.output<typeof ipAllowListSchema>>;
/** `ipWhiteList` config (deprecated alias of ipAllowList). */
export type IpWhiteListMiddleware = DeepReadonly<z.output<typeof ipWhiteListSchema>>;
/** `rateLimit.redis` config. */
export type RedisConfig = DeepReadonly<z.output<typeof redisSchema>>;
/** `rateLimit` config. */
export type RateLimitMiddleware = DeepReadonly<z.output<typeof rateLimitSchema>>;
/** `inFlightReq` config. */
export type InFlightReqMiddleware = DeepReadonly<z.output<typeof inFlightReqSchema>>;
/** `retry` config. */
export type RetryMiddleware = DeepReadonly<z.output<typeof retrySchema>>;
/** `circuitBreaker` config. */
export type CircuitBreakerMiddleware = DeepReadonly<z.output<typeof circuitBreakerSchema>>;
/** `buffering` config. */
export type BufferingMiddleware = DeepReadonly<z.output<typeof bufferingSchema>>;
/** `compress` config. */
export type CompressMiddleware = DeepReadonly<z.output<typeof compressSchema>>;
/** `errors` config. */
export type ErrorsMiddleware = DeepReadonly<z.output<typeof errorsSchema>>;
