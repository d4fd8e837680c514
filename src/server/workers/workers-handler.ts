/**
 * `GET /api/workers` (Switchyard): the worker processes of a control plane, as
 * `[{id, pid, state, restarts, startedAt, requests}]` (WorkerDescription), so operators and
 * tests see how connections spread and which workers were restarted.
 */
import { sendJson } from '../../api/json-response.ts';
import type { Handler } from '../../lib/exchange.ts';
import type { WorkerDescription } from './worker-fleet.ts';

export function createWorkersHandler(describe: () => readonly WorkerDescription[]): Handler {
  return (exchange) => sendJson(exchange, 200, describe());
}
