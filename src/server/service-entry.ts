/**
 * What every built HTTP service does on entry, whatever its kind: put its qualified name on the
 * request's log (`ExchangeLog.services`, read by the live statistics and the metrics when the
 * request is over) and count the request in flight on its live statistics.
 */
import type { Handler } from '../lib/exchange.ts';
import type { LiveStats } from '../observability/live-stats/live-stats.ts';
import type { BuiltService } from '../services/built-service.ts';

/** `built` with a handler that records entering service `name` before running the service. */
export function withServiceEntry(name: string, built: BuiltService, stats: LiveStats | undefined): BuiltService {
  const inner = built.handler;
  if (stats === undefined) {
    return { ...built, handler: (exchange) => {
      exchange.log.services.push(name);
      return inner(exchange);
    } };
  }
  // The cell is looked up once here, never per request.
  const cell = stats.service(name);
  const handler: Handler = (exchange) => {
    exchange.log.services.push(name);
    stats.serviceEntered(exchange, cell);
    return inner(exchange);
  };
  return { ...built, handler };
}
