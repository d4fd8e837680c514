/**
 * `retry` [Traefik pkg/middlewares/retry] (reference §9): sends a request again when the attempt
 * failed before anything reached the client.
 *
 * An attempt fails when the proxy could not get an answer from a server (a 502/504 the proxy
 * generated: no status came from a server) unless `disableRetryOnNetworkError`, or when the
 * server answered a status in `status`. Every other answer goes to the client, and so does the
 * last attempt's, whatever it is. A WebSocket upgrade is never retried once the 101 arrived.
 *
 * Each attempt runs on a derived exchange whose response head is held until it is known to be
 * final (attempt-exchange.ts): a failed attempt writes nothing to the client. Before every
 * attempt the request head is put back as it was (path, query, headers), so rewrites done below
 * this middleware are not applied twice, and the body is replayed from memory. Attempt tracking
 * (proxy/attempts.ts) makes load balancers avoid the servers this request already tried.
 *
 * Where Switchyard differs from Traefik:
 *  - POST, PATCH and LOCK are not retried at all without `retryNonIdempotentMethod` (Traefik
 *    still retries them after a dial failure, which it can tell apart from a failure after the
 *    request was written; the proxy does not report that difference yet).
 *  - A body over `maxRequestBodyBytes` is sent once, without any retry (Traefik keeps retrying
 *    dial failures, which never consumed the body; here the body stream belongs to the attempt).
 *  - The backoff has Traefik's progression (the interval grows from `initialInterval` to twice
 *    it over the series) without its ±50 % random jitter.
 */
import type { RetryMiddleware } from '../../config/dynamic.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Exchange, Handler } from '../../lib/exchange.ts';
import { httpCodeRangesContain, parseHttpCodeRanges, type HttpCodeRanges } from '../../observability/http-code-ranges.ts';
import { trackAttempts } from '../../proxy/attempts.ts';
import { proxyError, sendProxyError } from '../../proxy/proxy-error.ts';
import type { Middleware, MiddlewareContext, MiddlewareFactory } from '../middleware.ts';
import {
  releaseEveryHead, resetOriginFacts, restoreRequestHead, snapshotRequestHead, startAttempt, type HeadDecision,
} from '../../proxy/attempt-exchange.ts';
import { readReplayableBody, replayBody } from '../../proxy/replayable-body.ts';

/** Methods Traefik does not retry unless `retryNonIdempotentMethod` (every other one is retried). */
const nonIdempotentMethods: ReadonlySet<string> = new Set(['POST', 'PATCH', 'LOCK']);

/**
 * Milliseconds to wait before retry number `retry` (1 = before the second attempt): Traefik's
 * exponential backoff, `initialInterval × m^(retry−1)` with `m = 2^(1/(attempts−1))`, so the
 * waits grow from `initialInterval` towards twice it. 0 when `initialInterval` is 0.
 */
export function retryDelay(initialInterval: number, attempts: number, retry: number): number {
  if (initialInterval <= 0 || attempts < 2) return 0;
  return Math.round(initialInterval * 2 ** ((retry - 1) / (attempts - 1)));
}

/** The retry factory, with the clock its backoff and `timeout` read. */
export function createRetryFactory(clock: Clock): MiddlewareFactory<RetryMiddleware> {
  return (config: RetryMiddleware, context: MiddlewareContext): Middleware => {
    const ranges = statusRanges(context.name, config.status ?? []);
    const retryNetworkErrors = !config.disableRetryOnNetworkError;
    // One attempt, or nothing that could fail one: the middleware is a no-op. (Traefik refuses
    // the second case at build time; there is no diagnostic code for it yet.)
    if (config.attempts <= 1 || (ranges.length === 0 && !retryNetworkErrors)) return (next) => next;
    const { attempts, timeout, initialInterval, maxRequestBodyBytes } = config;

    const serve = async (exchange: Exchange, next: Handler): Promise<void> => {
      let bytes: Buffer | null = null;
      if (exchange.body !== null && exchange.upgrade === null) {
        const read = await readReplayableBody(exchange.body, exchange.request.headers, maxRequestBodyBytes);
        switch (read.kind) {
          case 'buffered':
            bytes = read.bytes;
            break;
          case 'too-large':
            await next(startAttempt(exchange, read.body, releaseEveryHead).exchange);
            return;
          case 'failed':
            // Traefik answers a body it cannot read with 500.
            sendProxyError(exchange, proxyError(exchange.clientGone ? 'CLIENT_CLOSED' : 'INTERNAL', undefined, read.error));
            return;
          default: {
            const never: never = read;
            throw new Error(`unexpected body read result ${String(never)}`);
          }
        }
      }

      trackAttempts(exchange.request);
      const head = snapshotRequestHead(exchange.request);
      const start = clock.now();
      const log = exchange.log;
      const keepAnswer: HeadDecision = (status) => {
        if (status === 101) return true;
        if (timeout > 0 && clock.now() - start >= timeout) return true;
        // The proxy was reached (it stamped originStartNs) but no status came from a server.
        if (retryNetworkErrors && log.originStatus === 0 && log.originStartNs !== 0n && (status === 502 || status === 504)) return false;
        return !httpCodeRangesContain(ranges, status);
      };

      for (let attempt = 1; ; attempt++) {
        if (attempt > 1) restoreRequestHead(exchange.request, head);
        resetOriginFacts(log);
        const current = startAttempt(exchange, bytes === null ? null : replayBody(bytes), attempt < attempts ? keepAnswer : releaseEveryHead);
        await next(current.exchange);
        if (await current.outcome === 'released') return;
        if (exchange.clientGone) {
          sendProxyError(exchange, proxyError('CLIENT_CLOSED'));
          return;
        }
        log.retryAttempts++;
        const delay = retryDelay(initialInterval, attempts, attempt);
        if (delay > 0 && !(await wait(clock, exchange, delay))) {
          sendProxyError(exchange, proxyError('CLIENT_CLOSED'));
          return;
        }
      }
    };

    return (next: Handler): Handler => (exchange: Exchange) => {
      if (!config.retryNonIdempotentMethod && nonIdempotentMethods.has(exchange.request.method)) return next(exchange);
      return serve(exchange, next).catch((err: unknown) => {
        // A bug below: answer it like the entry point answers a synchronous one.
        sendProxyError(exchange, proxyError('INTERNAL', undefined, err));
      });
    };
  };
}

/** The retry middleware on the clock of the middleware context (what the registry uses). */
export const createRetry: MiddlewareFactory<RetryMiddleware> = (config, context) => createRetryFactory(context.clock)(config, context);

/** Waits `ms` on the clock; false when the client went away first. */
function wait(clock: Clock, exchange: Exchange, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => {
      exchange.onClientGone(null);
      resolve(true);
    }, ms);
    exchange.onClientGone(() => {
      clock.clearTimeout(timer);
      resolve(false);
    });
  });
}

function statusRanges(name: string, status: readonly string[]): HttpCodeRanges {
  const parsed = parseHttpCodeRanges(status);
  // The schema validated the syntax: a failure here is a bug, not a user mistake.
  if ('error' in parsed) throw new Error(`middleware ${name}: ${parsed.error}`);
  return parsed.ranges;
}
