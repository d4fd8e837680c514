/**
 * `ping@internal`: `200 OK` while serving; once shutdown has begun, Traefik's
 * `terminatingStatusCode` (default 503) with its status text as the body, so load balancers
 * stop sending new traffic while in-flight requests finish [Traefik pkg/ping/ping.go].
 */
import { STATUS_CODES } from 'node:http';
import { sendText, type Handler } from '../lib/exchange.ts';

export interface PingDeps {
  /** True once graceful shutdown has begun. */
  readonly isTerminating: () => boolean;
  /** `ping.terminatingStatusCode`. */
  readonly terminatingStatusCode: number;
}

/** Creates the ping handler; it answers every method. */
export function createPingHandler(deps: PingDeps): Handler {
  return (exchange) => {
    const status = deps.isTerminating() ? deps.terminatingStatusCode : 200;
    // Go's http.StatusText: empty for a code it does not know.
    sendText(exchange, status, STATUS_CODES[status] ?? '');
  };
}
