/**
 * `rateLimit` [Traefik pkg/middlewares/ratelimiter, golang.org/x/time/rate] (reference §9): a
 * token bucket per source (`sourceCriterion`, by default the client IP) refilling at
 * `average / period` requests a second, holding up to `burst`. `average: 0` means no limit.
 *
 * A request that finds a token goes on at once. One that would get its token within `maxDelay`
 * — half the interval between two tokens when the rate is at least one a second, else 500 ms —
 * waits for it and then goes on. Any other is refused with 429, the status text as body,
 * `Retry-After` (whole seconds, rounded up) and `X-Retry-In` (the exact wait, as Go prints a
 * duration); a refused request takes no token. (Traefik sends no Content-Type; we say text/plain
 * like every response Switchyard generates.)
 *
 * Buckets live in an LRU of at most 65,536 sources whose entries expire after Traefik's TTL:
 * 2 s when the rate is at least one a second, else 1 s plus one interval between tokens. Time is
 * read from the middleware context's clock only.
 *
 * Differs from Traefik: `redis` (a shared store across instances) is refused with a
 * configuration error instead of being used.
 */
import type { RateLimitMiddleware } from '../../config/dynamic.ts';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import { writeHeadThroughHooks, type Exchange, type Handler } from '../../lib/exchange.ts';
import { proxyError, sendProxyError } from '../../proxy/proxy-error.ts';
import { MiddlewareConfigError, type Middleware, type MiddlewareContext } from '../middleware.ts';
import { createSourceExtractor } from '../source-criterion/source-criterion.ts';
import { formatGoDuration } from './go-duration.ts';
import { TokenBucket, type BucketParams } from './token-bucket.ts';
import { TtlLru } from './ttl-lru.ts';

/** Traefik's bound on the number of sources it keeps buckets for. */
export const maxSources = 65_536;

/** The limiter's numbers derived from the config, exactly as Traefik derives them. */
export interface RateLimitParams extends BucketParams {
  /** How long an unused bucket is kept, in ms. */
  readonly ttlMs: number;
}

/** Rate, maxDelay and TTL for `average` requests per `periodMs` with `burst`; null for no limit. */
export function rateLimitParams(average: number, periodMs: number, burst: number): RateLimitParams | null {
  if (average <= 0) return null;
  const rate = (average * 1e9) / (periodMs * 1e6);
  // Go: time.Second / (time.Duration(rate) * 2), in integer nanoseconds (the rate truncated).
  const maxDelayNs = rate < 1 ? 500e6 : Math.trunc(1e9 / (Math.trunc(rate) * 2));
  const ttlSeconds = rate >= 1 ? 2 : 1 + Math.trunc(1 / rate);
  return { rate, burst: Math.max(1, burst), maxDelayNs, ttlMs: ttlSeconds * 1000 };
}

/** Creates a rateLimit middleware; each router using it gets its own buckets. */
export function createRateLimit(config: RateLimitMiddleware, context: MiddlewareContext): Middleware {
  if (config.redis !== undefined) {
    throw new MiddlewareConfigError('MIDDLEWARE_INVALID_VALUE', 'redis', 'redis-backed rate limiting is not supported');
  }
  const source = createSourceExtractor(config.sourceCriterion, 'clientIp');
  const params = rateLimitParams(config.average, config.period, config.burst);
  if (params === null) return (next) => next;

  const clock = context.clock;
  const buckets = new TtlLru<TokenBucket>(maxSources, params.ttlMs);
  context.onDispose(() => buckets.clear());

  return (next: Handler): Handler => (exchange: Exchange) => {
    const now = clock.now();
    const nowNs = Math.round(now * 1e6);
    const bucket = buckets.use(source(exchange.request), now, () => new TokenBucket(params, nowNs));
    const { ok, delayNs } = bucket.reserve(params, nowNs);
    if (!ok) {
      refuse(exchange, delayNs);
      return;
    }
    if (delayNs <= 0) return next(exchange);
    return waitThenServe(clock, exchange, next, delayNs / 1e6);
  };
}

const refusedBody = Buffer.from('Too Many Requests');

function refuse(exchange: Exchange, delayNs: number): void {
  writeHeadThroughHooks(exchange, 429, [
    'Retry-After', String(Math.ceil(delayNs / 1e9)),
    'X-Retry-In', formatGoDuration(delayNs),
    'Content-Type', 'text/plain; charset=utf-8',
    'Content-Length', String(refusedBody.length),
  ]);
  if (exchange.request.method !== 'HEAD') exchange.response.write(refusedBody);
  exchange.response.end();
}

/** Holds the request for `ms` on the clock; a client that leaves meanwhile is not served. */
function waitThenServe(clock: Clock, exchange: Exchange, next: Handler, ms: number): Promise<void> {
  return new Promise<boolean>((resolve) => {
    const timer: TimerHandle = clock.setTimeout(() => {
      exchange.onClientGone(null);
      resolve(true);
    }, ms);
    exchange.onClientGone(() => {
      clock.clearTimeout(timer);
      resolve(false);
    });
  }).then((serve) => {
    if (serve) return next(exchange);
    sendProxyError(exchange, proxyError('CLIENT_CLOSED'));
  });
}
