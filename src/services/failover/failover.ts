/**
 * The failover service [Traefik pkg/server/service/loadbalancer/failover] (reference §1.3.4):
 * requests go to the main service while it is UP and to the fallback while main is DOWN; with
 * both DOWN the client gets 503 `Service Unavailable`. Main's health comes from its HealthSignal,
 * read on every request, so traffic returns to main as soon as it reports UP again.
 *
 * Status-based failover (`errors.status`): the request body is kept in memory (up to
 * `errors.maxRequestBodyBytes`, else 413) and main's response head is held back; when its status
 * is in the ranges, main's response is drained and dropped and the same request is sent to the
 * fallback. Any other status (and 101 Switching Protocols) goes to the client as it came.
 *
 * With `healthCheck: {}` the failover reports UP to its parent while main or fallback is UP.
 */
import type { FailoverService } from '../../config/dynamic.ts';
import type { Clock } from '../../lib/clock.ts';
import { sendText, type Exchange, type Handler } from '../../lib/exchange.ts';
import { qualifyName, splitQualifiedName } from '../../lib/qualified-name.ts';
import { httpCodeRangesContain, parseHttpCodeRanges, type HttpCodeRanges } from '../../observability/http-code-ranges.ts';
import { proxyError, sendProxyError } from '../../proxy/proxy-error.ts';
import type { BuiltService } from '../built-service.ts';
import { createComputedHealthSignal, type ComputedHealthSignal, type HealthSignal } from '../health/health-signal.ts';
import {
  releaseEveryHead, resetOriginFacts, restoreRequestHead, snapshotRequestHead, startAttempt, type HeadDecision,
} from '../../proxy/attempt-exchange.ts';
import { readReplayableBody, replayBody } from '../../proxy/replayable-body.ts';
import { explainFailover } from './failover-explain.ts';

export interface FailoverDeps {
  readonly main: BuiltService;
  readonly fallback: BuiltService;
  /** Not read yet: failover has no timers; kept so the build passes the same deps to every service. */
  readonly clock: Clock;
}

/**
 * Main reports no health and `errors.status` is empty: the failover could never switch.
 * Traefik refuses such a service too (its child is "not a healthcheck.StatusUpdater").
 */
export class FailoverBuildError extends Error {
  readonly code = 'SERVICE_NOT_HEALTH_AWARE';
  /** The config field at fault, relative to the failover (`service`). */
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'FailoverBuildError';
    this.field = field;
  }
}

/** Builds a failover service. Throws FailoverBuildError when main cannot drive it. */
export function createFailover(name: string, config: FailoverService, deps: FailoverDeps): BuiltService {
  const { main, fallback } = deps;
  const ranges = statusRanges(name, config.errors?.status ?? []);
  if (ranges.length === 0 && main.health === null) {
    const child = qualifyName(config.service, splitQualifiedName(name).provider);
    throw new FailoverBuildError('service', `child service ${child} of ${name} does not report health: enable a health check on it `
      + '(loadBalancer.healthCheck or passiveHealthCheck, or healthCheck: {} on a weighted, mirroring or failover service), '
      + 'or set errors.status to fail over on response statuses');
  }
  const mainUp = upReader(main.health);
  const fallbackUp = upReader(fallback.health);

  const signal: ComputedHealthSignal | null = config.healthCheck === undefined ? null
    : createComputedHealthSignal(() => mainUp() || fallbackUp());
  const unsubscribe: (() => void)[] = [];
  if (signal !== null) {
    for (const health of [main.health, fallback.health]) if (health !== null) unsubscribe.push(health.subscribe(() => signal.recheck()));
  }

  const toFallback = (exchange: Exchange): void | Promise<void> => {
    if (fallbackUp()) return fallback.handler(exchange);
    // Traefik answers with Go's http.Error, hence the trailing newline.
    sendText(exchange, 503, 'Service Unavailable\n');
  };

  const maxBodyBytes = config.errors?.maxRequestBodyBytes ?? -1;
  // Main's answer is dropped only when the fallback can take the request instead.
  const keepMainAnswer: HeadDecision = (status) => status === 101 || !httpCodeRangesContain(ranges, status) || !fallbackUp();

  const failOverOnStatus = async (exchange: Exchange): Promise<void> => {
    let bytes: Buffer | null = null;
    if (exchange.body !== null && exchange.upgrade === null) {
      const read = await readReplayableBody(exchange.body, exchange.request.headers, maxBodyBytes);
      switch (read.kind) {
        case 'buffered':
          bytes = read.bytes;
          break;
        case 'too-large':
          sendText(exchange, 413, 'Request body too large\n');
          // Sent nowhere: read the rest away so the client's connection stays usable.
          read.body.resume();
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
    const head = snapshotRequestHead(exchange.request);
    const first = startAttempt(exchange, bytes === null ? null : replayBody(bytes), keepMainAnswer);
    await main.handler(first.exchange);
    if (await first.outcome === 'released') return;
    if (exchange.clientGone) {
      sendProxyError(exchange, proxyError('CLIENT_CLOSED'));
      return;
    }
    // Service-level rewrites of main (its middlewares) must not reach the fallback.
    restoreRequestHead(exchange.request, head);
    resetOriginFacts(exchange.log);
    const second = startAttempt(exchange, bytes === null ? null : replayBody(bytes), releaseEveryHead);
    await fallback.handler(second.exchange);
  };

  const handler: Handler = (exchange) => {
    if (!mainUp()) return toFallback(exchange);
    if (ranges.length === 0) return main.handler(exchange);
    return failOverOnStatus(exchange).catch((err: unknown) => {
      // A bug below: answer it like the entry point answers a synchronous one.
      sendProxyError(exchange, proxyError('INTERNAL', undefined, err));
    });
  };

  let disposed = false;
  return {
    handler,
    health: signal,
    serverStatus: () => undefined,
    explain: (_request, explainChild) => explainFailover(name, {
      main: config.service, fallback: config.fallback, mainUp: mainUp(), fallbackUp: fallbackUp(), statuses: config.errors?.status ?? [],
    }, explainChild),
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const u of unsubscribe) u();
    },
  };
}

/** A child without a signal is always UP for its parent. */
function upReader(health: HealthSignal | null): () => boolean {
  return health === null ? () => true : () => health.isUp();
}

function statusRanges(name: string, status: readonly string[]): HttpCodeRanges {
  const parsed = parseHttpCodeRanges(status);
  // The schema validated the syntax: a failure here is a bug, not a user mistake.
  if ('error' in parsed) throw new Error(`failover ${name}: ${parsed.error}`);
  return parsed.ranges;
}
