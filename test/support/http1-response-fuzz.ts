/**
 * Test support: seeded generation of upstream replies (1xx, final responses with Content-Length,
 * chunked, close-delimited or no body, upgrades) mutated like the request fuzzer's streams, and the
 * loop that compares Switchyard's response parser with llhttp on them.
 */
import { body, caseSeed, createRng, hexSize, mutate, split, type Rng } from './http1-fuzz.ts';
import { compareResponseParsers, type ResponseDifferential } from './http1-response-differential.ts';
import type { Http1Observation } from './http1-observation.ts';

const requestMethods = ['GET', 'GET', 'GET', 'POST', 'HEAD', 'HEAD', 'CONNECT', 'PUT'];
const statuses = [200, 200, 200, 201, 204, 301, 304, 404, 500, 101, 407];
const reasons = ['OK', '', 'Some Reason', 'caf\xe9'];
const otherFields = ['Server: fuzz', 'Set-Cookie: a=b; Path=/', 'Cache-Control: no-store', 'Connection: close',
  'Connection: keep-alive', 'Keep-Alive: timeout=5', 'Vary: Accept', 'X-Empty:'];

function informational(rng: Rng): string {
  const status = rng.pick([100, 102, 103]);
  return `HTTP/1.1 ${status} ${rng.pick(reasons)}\r\n${status === 103 ? 'Link: </s.css>; rel=preload\r\n' : ''}\r\n`;
}

function finalResponse(rng: Rng): string {
  const status = rng.pick(statuses);
  const version = rng.chance(0.85) ? 'HTTP/1.1' : 'HTTP/1.0';
  const fields: string[] = [];
  for (let n = rng.int(3); n > 0; n -= 1) fields.push(rng.pick(otherFields));
  let content = '';
  if (status === 101) {
    fields.push('Connection: Upgrade', 'Upgrade: websocket');
    content = '\x81\x02hi';
  } else {
    const framing = rng.int(10);
    if (framing < 4) {
      content = body(rng);
      fields.push(`Content-Length: ${content.length}`);
    } else if (framing < 8) {
      fields.push('Transfer-Encoding: chunked');
      for (let n = rng.int(3); n > 0; n -= 1) {
        const data = body(rng) || 'x';
        content += `${hexSize(rng, data.length)}${rng.chance(0.2) ? ';a=b' : ''}\r\n${data}\r\n`;
      }
      content += `0\r\n${rng.chance(0.2) ? 'X-Sum: 1\r\n' : ''}\r\n`;
    } else {
      content = body(rng);
    }
  }
  return `${version} ${status} ${rng.pick(reasons)}\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n${content}`;
}

/** Case `index` of the run seeded with `seed`: the request method and the server's reads. */
export function generateResponseCase(seed: number, index: number): { readonly method: string; readonly chunks: Buffer[] } {
  const rng = createRng(caseSeed(seed ^ 0x5e5, index));
  const method = rng.pick(requestMethods);
  let stream = '';
  for (let n = rng.chance(0.8) ? 0 : 1 + rng.int(2); n > 0; n -= 1) stream += informational(rng);
  stream += finalResponse(rng);
  const mutations = rng.chance(0.2) ? 0 : 1 + rng.int(3);
  for (let n = 0; n < mutations; n += 1) stream = mutate(rng, stream);
  return { method, chunks: split(rng, Buffer.from(stream, 'latin1')) };
}

/** What is wrong with one case, or null. */
export function checkResponseCase(method: string, chunks: readonly Buffer[]): { kind: string; detail: string; result: ResponseDifferential } | null {
  const result = compareResponseParsers(method, chunks);
  if (result.difference === null || result.allowedBy !== null) return null;
  const kind = `${result.difference.replace(/^message #\d+: /, '').replace(/(body|headers|trailers) .*/, '$1 differ')
    .replace(/\d+ vs \d+/, 'N vs M')} (Switchyard ${endName(result.switchyard)}, node ${endName(result.node)})`;
  return { kind, detail: result.difference, result };
}

function endName(o: Http1Observation): string {
  return o.end.kind === 'rejected' || o.end.kind === 'truncated' ? o.end.code : o.end.kind;
}

/** One response-side finding. */
export interface ResponseFuzzFinding {
  readonly index: number;
  readonly method: string;
  readonly chunks: readonly Buffer[];
  readonly kind: string;
  readonly detail: string;
}

/** Runs `iterations` generated replies; a few findings per kind and the count of each kind. */
export function runResponseFuzz(seed: number, iterations: number): { findings: ResponseFuzzFinding[]; counts: Map<string, number> } {
  const findings: ResponseFuzzFinding[] = [];
  const counts = new Map<string, number>();
  for (let index = 0; index < iterations; index += 1) {
    const { method, chunks } = generateResponseCase(seed, index);
    const finding = checkResponseCase(method, chunks);
    if (finding === null) continue;
    const seen = counts.get(finding.kind) ?? 0;
    counts.set(finding.kind, seen + 1);
    if (seen < 3) findings.push({ index, method, chunks, kind: finding.kind, detail: finding.detail });
  }
  return { findings, counts };
}

/** Shrinks a finding's bytes (one read) while the same kind of finding remains. */
export function minimizeResponseFinding(method: string, chunks: readonly Buffer[], kind: string): Buffer {
  const same = (candidate: Buffer): boolean => checkResponseCase(method, [candidate])?.kind === kind;
  let bytes = Buffer.concat(chunks);
  if (!same(bytes)) return bytes;
  let budget = 3000;
  for (let width = Math.max(1, bytes.length >> 1); width >= 1 && budget > 0; width = width === 1 ? 0 : width >> 1) {
    for (let start = 0; start + width <= bytes.length && budget > 0;) {
      budget -= 1;
      const candidate = Buffer.concat([bytes.subarray(0, start), bytes.subarray(start + width)]);
      if (candidate.length > 0 && same(candidate)) bytes = candidate;
      else start += width;
    }
  }
  return bytes;
}
