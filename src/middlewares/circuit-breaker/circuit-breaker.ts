/**
 * `circuitBreaker` [Traefik pkg/middlewares/circuitbreaker on oxy's cbreaker] (reference §9):
 * stops sending requests to a service whose recent answers make `expression` true.
 *
 * States (Traefik's names; oxy calls them standby, tripped, recovering):
 *  - closed: every request goes through; after a response, at most once per `checkPeriod`, the
 *    expression is evaluated over the last 10 s of outcomes and, when true, the breaker opens.
 *  - open: for `fallbackDuration` every request gets the fallback (`responseCode`, 503 by
 *    default, with the status text as body) without reaching the service.
 *  - recovering: for `recoveryDuration` some requests are let through and the others get the
 *    fallback. Like oxy, the share let through since recovery began (allowed / (allowed +
 *    denied)) is held just under a target growing linearly from 0 to 0.5 over the period, so the
 *    requests let through per second grow from none to nearly all. If the expression holds again
 *    (checked as in closed) the breaker opens again; otherwise it closes after the period.
 * Metrics are forgotten when the breaker opens, so recovery is judged on fresh outcomes only.
 *
 * A network error is an answer the proxy generated because no server answered: 502 or 504 with
 * no status from a server (originStatus 0), like retry's definition.
 *
 * Each router gets its own instance (factories run per router), so state is never shared.
 *
 * Where Switchyard differs from Traefik:
 *  - A network error is only a 502/504 the proxy generated; oxy counts every 502/504, including
 *    one a server sent (ResponseCodeRatio still sees those).
 *  - An outcome is recorded when the response head goes out, so latency is the time to the
 *    response head; oxy records when the handler returns, after the whole body was copied.
 *    A request whose response never gets a head (client gone) is not recorded.
 *  - Latency quantiles come from exact per-millisecond counts instead of an HDR histogram.
 */
import { STATUS_CODES } from 'node:http';
import type { CircuitBreakerMiddleware } from '../../config/dynamic.ts';
import type { Clock } from '../../lib/clock.ts';
import { sendText, type Exchange, type Handler } from '../../lib/exchange.ts';
import type { Middleware, MiddlewareContext, MiddlewareFactory } from '../middleware.ts';
import { compileExpression, type ExpressionFunctions, type Predicate } from './expression.ts';
import { createRollingMetrics, type RollingMetrics } from './rolling-metrics.ts';

/** The breaker's state, Traefik's names. */
export type CircuitState = 'closed' | 'open' | 'recovering';

/** The functions `circuitBreaker.expression` may call. */
export const circuitBreakerFunctions: ExpressionFunctions<RollingMetrics> = {
  NetworkErrorRatio: { arity: 0, returns: 'float', build: () => (m) => m.networkErrorRatio() },
  ResponseCodeRatio: {
    arity: 4,
    returns: 'float',
    build: ([from = 0, to = 0, dividedByFrom = 0, dividedByTo = 0]) => (m) => m.responseCodeRatio(from, to, dividedByFrom, dividedByTo),
  },
  LatencyAtQuantileMS: { arity: 1, returns: 'int', build: ([q = 0]) => (m) => m.latencyAtQuantile(q) },
};

/** The decision logic of one breaker, separate from HTTP so tests drive it with a manual clock. */
export interface CircuitBreakerState {
  readonly state: () => CircuitState;
  /** True when this request must get the fallback instead of reaching the service. */
  readonly rejects: () => boolean;
  /** Records a request that reached the service, then checks the expression if due. */
  readonly record: (status: number, networkError: boolean, latencyMs: number) => void;
}

/** Options of createCircuitBreakerState (durations in ms). */
export interface CircuitBreakerStateOptions {
  readonly condition: Predicate<RollingMetrics>;
  readonly checkPeriod: number;
  readonly fallbackDuration: number;
  readonly recoveryDuration: number;
}

/** Creates a closed breaker on `clock`. */
export function createCircuitBreakerState(options: CircuitBreakerStateOptions, clock: Clock): CircuitBreakerState {
  const metrics = createRollingMetrics(clock);
  let state: CircuitState = 'closed';
  let until = 0;
  // oxy checks when now is strictly after the last check + checkPeriod; the first check is due at once.
  let nextCheck = Number.NEGATIVE_INFINITY;
  // Recovery admission: the share admitted so far is kept at or below the target share.
  let recoveryStart = 0;
  let allowed = 0;
  let denied = 0;

  const open = (now: number): void => {
    state = 'open';
    until = now + options.fallbackDuration;
    metrics.reset();
  };
  const admitWhileRecovering = (now: number): boolean => {
    const target = (0.5 * (now - recoveryStart)) / options.recoveryDuration;
    if ((allowed + 1) / (allowed + 1 + denied) < target) {
      allowed++;
      return true;
    }
    denied++;
    return false;
  };

  return {
    state: () => state,
    rejects: () => {
      const now = clock.now();
      switch (state) {
        case 'closed':
          return false;
        case 'open':
          if (now < until) return true;
          state = 'recovering';
          until = now + options.recoveryDuration;
          recoveryStart = now;
          allowed = 0;
          denied = 0;
          return !admitWhileRecovering(now);
        case 'recovering':
          if (now > until) {
            state = 'closed';
            return false;
          }
          return !admitWhileRecovering(now);
        default: {
          const never: never = state;
          throw new Error(`unexpected circuit state ${String(never)}`);
        }
      }
    },
    record: (status, networkError, latencyMs) => {
      metrics.record(status, networkError, latencyMs);
      if (state === 'open') return;
      const now = clock.now();
      if (now <= nextCheck) return;
      nextCheck = now + options.checkPeriod;
      if (options.condition(metrics)) open(now);
    },
  };
}

/** The circuitBreaker middleware. */
export const createCircuitBreaker: MiddlewareFactory<CircuitBreakerMiddleware> = (config: CircuitBreakerMiddleware, context: MiddlewareContext): Middleware => {
  const condition = compileExpression(config.expression, circuitBreakerFunctions, 'expression');
  const { clock } = context;
  const fallbackBody = STATUS_CODES[config.responseCode] ?? '';
  return (next: Handler): Handler => {
    // Per router instance: the factory's Middleware is applied once per router chain.
    const breaker = createCircuitBreakerState(
      { condition, checkPeriod: config.checkPeriod, fallbackDuration: config.fallbackDuration, recoveryDuration: config.recoveryDuration },
      clock,
    );
    // The outcome is recorded when the response head goes out: the handler's promise may
    // settle before that (the proxy streams), and the head carries everything the expression
    // reads. Latency is therefore time to the response head.
    const serve = (exchange: Exchange): void | Promise<void> => {
      const start = clock.now();
      exchange.responseHeadHooks.push((status, _headers, ex) => {
        const log = ex.log;
        const networkError = (status === 502 || status === 504) && log.originStatus === 0 && log.originStartNs !== 0n;
        breaker.record(status, networkError, clock.now() - start);
        return status;
      });
      return next(exchange);
    };
    return (exchange: Exchange) => {
      if (breaker.rejects()) {
        sendText(exchange, config.responseCode, fallbackBody);
        return;
      }
      return serve(exchange);
    };
  };
};
