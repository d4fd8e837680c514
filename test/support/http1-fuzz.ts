/**
 * Test support: a seeded, structure-aware generator of HTTP/1.1 request streams and the loop that runs
 * them through Switchyard's parser and llhttp (in-process), checking the framing invariants too.
 * Generation starts from valid requests (pipelined, Content-Length and chunked bodies, extensions,
 * trailers, upgrades) and mutates them: byte flips, inserted CR/LF/NUL/SP/HTAB, deleted bytes,
 * duplicated field lines, framing-field and chunk-size rewrites, line-ending swaps, truncation, and
 * random splits into reads. Every case has its own seed, so one failure replays alone.
 */
import { compareRequestParsers, type RequestDifferential } from './http1-differential.ts';
import { framingViolations } from './http1-framing-invariants.ts';
import type { Http1Observation } from './http1-observation.ts';

/** A small, fast deterministic PRNG (mulberry32). */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
  };
}

/** The seed of case `index` of a run seeded with `seed` (so a single case replays without the others). */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const methods = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'QUERY', 'PROPFIND',
  'M-SEARCH', 'CONNECT', 'TRACE', 'FOO', 'get'];
const targets = ['/', '/a/b?c=d&e=f', '/%20x', '/~user/', '*', 'http://example.com/x?y', 'example.com:443', '/a;b,c',
  '/?q=a/b', '/#frag', '//double'];
const versions = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/1.0', 'HTTP/0.9', 'HTTP/2.0', 'HTTP/1.2'];
const otherFields: readonly string[] = [
  'Accept: */*', 'User-Agent: fuzz/1.0', 'Cookie: a=b; c=d', 'X-Empty:', 'X-Spaces:   padded   ', 'X-Tab:\tv\t',
  'Expect: 100-continue', 'Connection: close', 'Connection: keep-alive', 'Connection: Upgrade', 'Upgrade: websocket',
  'Connection: keep-alive, Upgrade', 'Trailer: X-Sum', 'X-Obs: caf\xe9', 'Accept-Encoding: gzip, br', 'Via: 1.1 a, 1.0 b',
];
const lengthValues = ['', '+5', '-1', '0x5', '5, 5', ' 5', '5 ', '05', '99999999999999999999', '9007199254740993', '1 0',
  '5\x00', '\x0b5', '0', '3'];
const codingValues = ['chunked', 'Chunked', ' chunked', 'chunked ', 'chunked, identity', 'gzip, chunked', 'xchunked',
  'chunked\x00', 'identity', 'chunked,', '"chunked"', 'CHUNKED'];
const sizeRewrites = ['0x5', '-1', ' 5', '5 ', '+5', 'ffffffffffffffff', '10000000000000000', '00000000000000005', 'g',
  '5\n', '5;', '5;a=', '5;a="b', '5 ;a', '5;\x00', ''];
const interesting = [0x0d, 0x0a, 0x00, 0x20, 0x09, 0x3a, 0x3b, 0x30, 0x61, 0x7f, 0x80, 0xff, 0x2c, 0x22, 0x0b, 0x2f, 0x3d];

/** A short body piece mix (shared with the response fuzzer). */
export function body(rng: Rng): string {
  const pieces = ['', 'abc', 'hello world', '\r\n', '0\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', '\x00\xff', 'Z'.repeat(40)];
  let s = '';
  for (let n = rng.int(3); n > 0; n -= 1) s += rng.pick(pieces);
  return s;
}

/** A chunk size in hex, random case, sometimes with leading zeros. */
export function hexSize(rng: Rng, n: number): string {
  const hex = n.toString(16);
  const cased = rng.chance(0.5) ? hex.toUpperCase() : hex;
  return rng.chance(0.15) ? `00${cased}` : cased;
}

/** One valid request (before mutations). */
function validRequest(rng: Rng): string {
  const method = rng.pick(methods);
  const target = method === 'CONNECT' ? 'example.com:443' : rng.pick(targets);
  const version = rng.pick(versions);
  const fields: string[] = [];
  if (version !== 'HTTP/1.0' || rng.chance(0.3)) fields.push('Host: example.com');
  for (let n = rng.int(4); n > 0; n -= 1) fields.push(rng.pick(otherFields));
  const framing = rng.int(10);
  let content = '';
  if (framing < 3) {
    content = body(rng);
    fields.push(`Content-Length: ${content.length}`);
  } else if (framing < 6) {
    fields.push('Transfer-Encoding: chunked');
    for (let n = rng.int(4); n > 0; n -= 1) {
      const data = body(rng) || 'x';
      const ext = rng.chance(0.2) ? rng.pick([';a', ';a=b', ';a="b c"', ';a=b;c']) : '';
      content += `${hexSize(rng, data.length)}${ext}\r\n${data}\r\n`;
    }
    content += rng.chance(0.1) ? '0;end\r\n' : '0\r\n';
    if (rng.chance(0.2)) content += rng.pick(['X-Sum: 1\r\n', 'X-A: 1\r\nX-B: 2\r\n', 'Content-Length: 5\r\n', 'Transfer-Encoding: chunked\r\n']);
    content += '\r\n';
  }
  if (rng.chance(0.3)) shuffle(rng, fields);
  return `${method} ${target} ${version}\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n${content}`;
}

function shuffle<T>(rng: Rng, items: T[]): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

function lineStarts(s: string): number[] {
  const starts = [0];
  for (let i = s.indexOf('\n'); i >= 0 && i + 1 < s.length; i = s.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Applies one mutation to a latin1 stream (shared with the response fuzzer). */
export function mutate(rng: Rng, s: string): string {
  if (s.length === 0) return s;
  const at = rng.int(s.length);
  switch (rng.int(10)) {
    case 0: // flip a byte to an arbitrary value
      return s.slice(0, at) + String.fromCharCode(rng.int(256)) + s.slice(at + 1);
    case 1: // replace a byte with an interesting one
      return s.slice(0, at) + String.fromCharCode(rng.pick(interesting)) + s.slice(at + 1);
    case 2: { // insert CR, LF, NUL, SP or HTAB, often next to structure
      const structural = [...s.matchAll(/[\r\n:; ]/g)].map((m) => m.index);
      const where = structural.length > 0 && rng.chance(0.7) ? rng.pick(structural) + rng.int(2) : at;
      return s.slice(0, where) + rng.pick(['\r', '\n', '\x00', ' ', '\t', '\r\n', ' \t']) + s.slice(where);
    }
    case 3: // delete one to three bytes
      return s.slice(0, at) + s.slice(at + 1 + rng.int(3));
    case 4: { // duplicate a line
      const starts = lineStarts(s);
      const start = rng.pick(starts);
      const end = s.indexOf('\n', start);
      if (end < 0) return s;
      const line = s.slice(start, end + 1);
      return s.slice(0, end + 1) + line + s.slice(end + 1);
    }
    case 5: // rewrite or add Content-Length
      if (/Content-Length:[^\r\n]*/i.test(s) && rng.chance(0.7)) {
        return s.replace(/Content-Length:[^\r\n]*/i, `Content-Length: ${rng.pick(lengthValues)}`);
      }
      return s.replace('\r\n', `\r\nContent-Length: ${rng.pick(lengthValues)}\r\n`);
    case 6: // rewrite or add Transfer-Encoding
      if (/Transfer-Encoding:[^\r\n]*/i.test(s) && rng.chance(0.7)) {
        return s.replace(/Transfer-Encoding:[^\r\n]*/i, `Transfer-Encoding:${rng.pick(codingValues)}`);
      }
      return s.replace('\r\n', `\r\n${rng.pick(['Transfer-Encoding', 'Transfer-Encoding ', 'transfer-encoding'])}: ${rng.pick(codingValues)}\r\n`);
    case 7: { // rewrite a chunk size
      const sizes = [...s.matchAll(/\n([0-9a-fA-F]+)(?=[;\r])/g)];
      if (sizes.length === 0) return s;
      const m = rng.pick(sizes);
      const start = m.index + 1;
      const replacement = rng.chance(0.5) ? rng.pick(sizeRewrites) : (Number.parseInt(m[1]!, 16) + rng.int(3) - 1).toString(16);
      return s.slice(0, start) + replacement + s.slice(start + m[1]!.length);
    }
    case 8: { // swap one CRLF for a bare LF or a bare CR
      const crlfs = [...s.matchAll(/\r\n/g)].map((m) => m.index);
      if (crlfs.length === 0) return s;
      const where = rng.pick(crlfs);
      return s.slice(0, where) + rng.pick(['\n', '\r', '\n\r', '\r\r\n']) + s.slice(where + 2);
    }
    default: // truncate
      return s.slice(0, at);
  }
}

/** Splits a stream into reads: mostly one, sometimes a few, rarely one byte each. */
export function split(rng: Rng, bytes: Buffer): Buffer[] {
  const mode = rng.int(20);
  if (mode < 10 || bytes.length < 2) return [bytes];
  if (mode === 19) return [...bytes].map((b) => Buffer.of(b));
  const cuts = new Set<number>();
  for (let n = 1 + rng.int(4); n > 0; n -= 1) cuts.add(1 + rng.int(bytes.length - 1));
  const points = [0, ...[...cuts].sort((x, y) => x - y), bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i]!, end));
}

/** The reads of case `index` of the run seeded with `seed`. */
export function generateRequestCase(seed: number, index: number): Buffer[] {
  const rng = createRng(caseSeed(seed, index));
  let stream = '';
  const count = rng.chance(0.7) ? 1 : 2 + rng.int(2);
  for (let n = 0; n < count; n += 1) stream += validRequest(rng);
  const mutations = rng.chance(0.2) ? 0 : 1 + rng.int(3);
  for (let n = 0; n < mutations; n += 1) stream = mutate(rng, stream);
  return split(rng, Buffer.from(stream, 'latin1'));
}

/** One disagreement: a divergence from llhttp or a framing invariant Switchyard broke. */
export interface FuzzFinding {
  readonly index: number;
  readonly chunks: readonly Buffer[];
  /** A stable class for grouping, e.g. `end truncated vs rejected` or `framing: accepted with both …`. */
  readonly kind: string;
  readonly detail: string;
}

/** What is wrong with one case (null when Switchyard agrees with llhttp and frames soundly). */
export function checkRequestCase(chunks: readonly Buffer[]): { kind: string; detail: string; result: RequestDifferential } | null {
  const result = compareRequestParsers(chunks);
  if (result.difference !== null && result.allowedBy === null) {
    return { kind: findingKind(result), detail: result.difference, result };
  }
  const violations = framingViolations(Buffer.concat(chunks), result.switchyard);
  if (violations.length > 0) {
    return { kind: `framing: ${violations[0]!.replace(/^message #\d+: /, '').replace(/\d+/g, 'N')}`, detail: violations.join('; '), result };
  }
  return null;
}

/** The case-specific parts of a difference stripped, both ends added, so findings group by cause. */
function findingKind(result: RequestDifferential): string {
  const difference = (result.difference ?? '')
    .replace(/^message #\d+: /, '')
    .replace(/(body|headers|trailers|target|method) .*/, '$1 differ')
    .replace(/\d+ vs \d+/, 'N vs M');
  return `${difference} (Switchyard ${endName(result.switchyard.observation)}, node ${endName(result.node)})`;
}

function endName(o: Http1Observation): string {
  return o.end.kind === 'rejected' || o.end.kind === 'truncated' ? o.end.code : o.end.kind;
}

/** Options of a fuzz run. */
export interface FuzzRunOptions {
  readonly seed: number;
  readonly iterations: number;
  /** Keep this many examples per finding kind (default 3). */
  readonly examplesPerKind?: number;
}

/** Runs `iterations` generated cases; returns the findings, a few per kind. */
export function runRequestFuzz(options: FuzzRunOptions): { readonly findings: FuzzFinding[]; readonly counts: Map<string, number> } {
  const keep = options.examplesPerKind ?? 3;
  const findings: FuzzFinding[] = [];
  const counts = new Map<string, number>();
  for (let index = 0; index < options.iterations; index += 1) {
    const chunks = generateRequestCase(options.seed, index);
    const finding = checkRequestCase(chunks);
    if (finding === null) continue;
    const seen = counts.get(finding.kind) ?? 0;
    counts.set(finding.kind, seen + 1);
    if (seen < keep) findings.push({ index, chunks, kind: finding.kind, detail: finding.detail });
  }
  return { findings, counts };
}

/**
 * Shrinks a finding's input while it still shows the same kind of finding: reads are merged, then
 * byte ranges are removed greedily (bounded work, good enough for a readable reproducer).
 */
export function minimizeRequestFinding(chunks: readonly Buffer[], kind: string): Buffer[] {
  const same = (candidate: readonly Buffer[]): boolean => checkRequestCase(candidate)?.kind === kind;
  let current: Buffer[] = [...chunks];
  const merged = [Buffer.concat(current)];
  if (current.length > 1 && same(merged)) current = merged;
  if (current.length !== 1) return current;
  let bytes = current[0]!;
  let budget = 4000;
  for (let width = Math.max(1, bytes.length >> 1); width >= 1 && budget > 0; width = width === 1 ? 0 : width >> 1) {
    for (let start = 0; start + width <= bytes.length && budget > 0;) {
      budget -= 1;
      const candidate = Buffer.concat([bytes.subarray(0, start), bytes.subarray(start + width)]);
      if (candidate.length > 0 && same([candidate])) bytes = candidate;
      else start += width;
    }
  }
  return [bytes];
}
