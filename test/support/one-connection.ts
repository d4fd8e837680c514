/**
 * Test support: what an end-to-end test needs to hold on any number of workers. The kernel
 * spreads new connections over the worker processes, and a connection stays on the worker that
 * accepted it. So a test that checks one process's per-request state (a round-robin sequence,
 * a counter) sends those requests over one keep-alive connection, and a test that checks a
 * per-worker limit states how many workers share the port.
 */
import { Agent } from 'node:http';
import { availableParallelism } from 'node:os';

/**
 * A keep-alive agent with one socket: every request made with it goes over the same connection,
 * hence to the same worker. Call `destroy()` once done, so the open socket does not keep the test
 * file alive.
 */
export function oneConnection(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1 });
}

/**
 * The number of worker processes the binary runs in these tests: SWITCHYARD_WORKERS as the
 * binary reads it (unset or 1 → one process, 0 → one per core). Tests that set `workers`
 * themselves know their count.
 */
export function workerCount(): number {
  const raw = process.env['SWITCHYARD_WORKERS'];
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`SWITCHYARD_WORKERS=${raw}: not a worker count`);
  return n === 0 ? availableParallelism() : Math.max(n, 1);
}
