/**
 * Readiness and sanity checks done before any load: a contender must answer 200 with the
 * expected body size, and a proxy must spread requests over both origins (each origin tags
 * its responses with `X-Origin`).
 */
import { request } from 'node:http';
import type { Supervised } from './supervisor.ts';
import { LOOPBACK } from './free-port.ts';

export interface ProbeResponse {
  readonly status: number;
  readonly origin: string | undefined;
  readonly bodyBytes: number;
  /** The response's Set-Cookie header values (none: empty). */
  readonly setCookies: readonly string[];
}

/**
 * One GET on a fresh connection, with `headers` besides Host. Rejects on connection errors or
 * after `timeoutMs`.
 */
export function probe(
  port: number,
  path: string,
  host: string,
  timeoutMs = 2000,
  headers: Readonly<Record<string, string>> = {},
): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: LOOPBACK, port, path, method: 'GET', headers: { ...headers, host }, agent: false, timeout: timeoutMs },
      (res) => {
        let bodyBytes = 0;
        res.on('data', (chunk: Buffer) => {
          bodyBytes += chunk.length;
        });
        res.on('end', () => {
          const origin = res.headers['x-origin'];
          resolve({
            status: res.statusCode ?? 0,
            origin: Array.isArray(origin) ? origin[0] : origin,
            bodyBytes,
            setCookies: res.headers['set-cookie'] ?? [],
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Polls until `port` answers 200 on `path`. Fails early when `child` exits, and after
 * `timeoutMs` otherwise; the error carries the process's last output.
 */
export async function waitUntilServing(
  port: number,
  path: string,
  host: string,
  child: Supervised | undefined,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child?.hasExited()) {
      const code = await child.exited;
      throw new Error(`${child.name} exited (${String(code)}) before answering${tailOf(child)}`);
    }
    try {
      const res = await probe(port, path, host, 1000);
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const who = child?.name ?? `port ${port}`;
  throw new Error(`${who} did not answer 200 on ${path} within ${timeoutMs} ms (${last})${child ? tailOf(child) : ''}`);
}

/**
 * Sends `count` requests and returns the origins that answered. Throws when a response is not
 * 200 or has the wrong size.
 */
export async function originsSeen(port: number, path: string, host: string, bodyBytes: number, count = 4): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const res = await probe(port, path, host);
    if (res.status !== 200 || res.bodyBytes !== bodyBytes) {
      throw new Error(`GET ${path} answered ${res.status} with ${res.bodyBytes} bytes, expected 200 with ${bodyBytes}`);
    }
    seen.add(res.origin ?? '(no X-Origin header)');
  }
  return seen;
}

/** The line of a process's output that most likely says what went wrong, or ''. */
export function errorLine(output: string): string {
  const line = output.split('\n').find((l) => /\b\w*Error\b|\[emerg\]|\[ALERT\]|error:/i.test(l) && !/^\s+at /.test(l));
  return line === undefined ? '' : line.trim();
}

function tailOf(child: Supervised): string {
  const tail = child.outputTail();
  if (tail === '') return '';
  const lines = tail.split('\n');
  // Node prints the error message near the top and the stack below it: keep both ends.
  const shown = lines.length <= 16 ? lines : [...lines.slice(0, 6), '  …', ...lines.slice(-8)];
  const headline = errorLine(tail);
  return `${headline === '' ? '' : `: ${headline}`}\n--- output of ${child.name} ---\n${shown.join('\n')}`;
}
