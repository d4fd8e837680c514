/**
 * `GET /api/stats`: the live statistics of every entry point, router, service and server, as
 * one JSON document (LiveStatsDocument) sampled when the request arrives.
 */
import type { LiveStatsView } from '../config/live-stats-view.ts';
import type { Handler } from '../lib/exchange.ts';
import { sendJson } from './json-response.ts';

/** Serves the current sample of `view`. */
export function createStatsHandler(view: LiveStatsView): Handler {
  return (exchange) => sendJson(exchange, 200, view.snapshot());
}
