/**
 * Runs wrk (one thread, pinned to the load generator's core) and parses its `--latency`
 * report. Every run is bounded: wrk's own `-d`, plus a kill timer should wrk hang.
 */
import type { Supervisor } from './supervisor.ts';

/** What one wrk run measured. Latencies in milliseconds. */
export interface WrkResult {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: WrkErrors;
}

/** Failures wrk counts. `non2xx` is wrk's "Non-2xx or 3xx responses" (the origins send only 200). */
export interface WrkErrors {
  readonly connect: number;
  readonly read: number;
  readonly write: number;
  readonly timeout: number;
  readonly non2xx: number;
}

export const NO_ERRORS: WrkErrors = { connect: 0, read: 0, write: 0, timeout: 0, non2xx: 0 };

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `1.23ms` → 1.23, `870.00us` → 0.87, `2.01s` → 2010. */
export function parseDurationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`wrk: cannot read duration '${text}'`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** Parses wrk's output as printed with `--latency`. Throws when the summary is missing. */
export function parseWrkOutput(output: string): WrkResult {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  const total = /^\s*(\d+) requests in /m.exec(output);
  const p50 = /^\s*50%\s+(\S+)/m.exec(output);
  const p99 = /^\s*99%\s+(\S+)/m.exec(output);
  if (!rps || !total || !p50 || !p99) {
    throw new Error(`wrk: unexpected output (was --latency given?):\n${output.trim()}`);
  }
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  return {
    requests: Number(total[1]),
    requestsPerSecond: Number(rps[1]),
    p50Ms: parseDurationMs(p50[1]!),
    p99Ms: parseDurationMs(p99[1]!),
    errors: {
      connect: Number(socket?.[1] ?? 0),
      read: Number(socket?.[2] ?? 0),
      write: Number(socket?.[3] ?? 0),
      timeout: Number(socket?.[4] ?? 0),
      non2xx: Number(non2xx?.[1] ?? 0),
    },
  };
}

/** How the requests differ from a plain GET with Host. */
export interface WrkRequestShape {
  /** Headers besides Host, sent on every request (`Cookie: srv=a`). */
  readonly headers?: readonly string[];
  /** A Lua script (file path) for `-s`, e.g. alternatingCookiesScript's. */
  readonly script?: string;
}

export interface WrkRun extends WrkRequestShape {
  readonly wrk: string;
  readonly cpu: number;
  readonly url: string;
  readonly host: string;
  readonly connections: number;
  readonly durationSeconds: number;
}

/** Runs wrk once and returns its parsed report. */
export async function runWrk(supervisor: Supervisor, run: WrkRun): Promise<WrkResult> {
  const args = [
    '-t1',
    `-c${run.connections}`,
    `-d${run.durationSeconds}s`,
    '--latency',
    '--timeout',
    '2s',
    '-H',
    `Host: ${run.host}`,
    ...(run.headers ?? []).flatMap((header) => ['-H', header]),
    ...(run.script === undefined ? [] : ['-s', run.script]),
    run.url,
  ];
  const child = supervisor.spawn('wrk', run.wrk, args, { cpu: run.cpu });
  // wrk stops itself after -d; this only catches a hang (e.g. a proxy that never closes).
  const limitMs = (run.durationSeconds + 15) * 1000;
  const timer = setTimeout(() => void supervisor.stop(child, 1000), limitMs);
  const code = await child.exited;
  clearTimeout(timer);
  await supervisor.stop(child); // forget it
  const output = child.outputTail();
  if (code !== 0) throw new Error(`wrk exited with ${String(code)}:\n${output}`);
  return parseWrkOutput(output);
}
