/**
 * Test support: comparing two {@link Http1Observation}s, and the pieces every allow-list entry of the
 * differential tests is built from (request side: http1-differential.ts; response side:
 * http1-response-differential.ts).
 */
import type { Http1Limits } from '../../src/http1/limits.ts';
import type { Http1Observation, ObservedMessage } from './http1-observation.ts';

/** How two observations are compared. */
export interface ComparisonOptions {
  /** Whether keep-alive is compared for this message (default: unless it upgraded, where it means nothing). */
  readonly keepAliveMatters?: (m: ObservedMessage) => boolean;
}

/** The first way two observations differ, or null when they agree. */
export function firstDifference(a: Http1Observation, b: Http1Observation, options: ComparisonOptions = {}): string | null {
  const n = Math.min(a.messages.length, b.messages.length);
  for (let i = 0; i < n; i += 1) {
    const d = messageDifference(a.messages[i]!, b.messages[i]!, options);
    if (d !== null) return `message #${i}: ${d}`;
  }
  if (a.messages.length !== b.messages.length) return `message count ${a.messages.length} vs ${b.messages.length}`;
  if (a.end.kind !== b.end.kind) return `end ${a.end.kind} vs ${b.end.kind}`;
  if (a.end.kind === 'upgraded' && b.end.kind === 'upgraded' && !a.end.rest.equals(b.end.rest)) return 'bytes after the upgrade head';
  return null;
}

/** The first way two messages differ, or null. */
export function messageDifference(a: ObservedMessage, b: ObservedMessage, options: ComparisonOptions = {}): string | null {
  const keepAliveMatters = options.keepAliveMatters ?? ((m: ObservedMessage) => !m.upgrade);
  if (a.method !== b.method) return `method ${JSON.stringify(a.method)} vs ${JSON.stringify(b.method)}`;
  if (a.target !== b.target) return `target ${JSON.stringify(a.target)} vs ${JSON.stringify(b.target)}`;
  if (a.status !== b.status) return `status ${a.status} vs ${b.status}`;
  if (a.version !== b.version) return `version ${a.version} vs ${b.version}`;
  if (!samePairs(a.headers, b.headers)) return `headers ${JSON.stringify(a.headers)} vs ${JSON.stringify(b.headers)}`;
  if (a.upgrade !== b.upgrade) return `upgrade ${a.upgrade} vs ${b.upgrade}`;
  if (keepAliveMatters(a) && a.keepAlive !== b.keepAlive) return `keepAlive ${a.keepAlive} vs ${b.keepAlive}`;
  if (a.complete !== b.complete) return `complete ${a.complete} vs ${b.complete}`;
  if (!a.body.equals(b.body)) return `body ${JSON.stringify(a.body.toString('latin1'))} vs ${JSON.stringify(b.body.toString('latin1'))}`;
  if (!samePairs(a.trailers, b.trailers)) return `trailers ${JSON.stringify(a.trailers)} vs ${JSON.stringify(b.trailers)}`;
  return null;
}

function samePairs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Context an allowed difference may look at. */
export interface DifferenceContext {
  readonly switchyard: Http1Observation;
  readonly node: Http1Observation;
  readonly limits: Http1Limits;
  /** The whole byte stream (for facts no parser reports, such as the length of a chunk extension). */
  readonly input: Buffer;
}

/** A deliberate, documented difference between Switchyard and node:http. */
export interface AllowedDifference {
  readonly id: string;
  readonly reason: string;
  /** True when this difference (and nothing else) explains why the observations differ. */
  applies(context: DifferenceContext): boolean;
}

/**
 * Switchyard refused message `i` where node:http accepted it (`accepts` checks node's view of it), and
 * the two agree on everything before it (and on its head, when Switchyard had delivered the head before
 * refusing its body): the shape of every "Switchyard is stricter" entry.
 */
export function stricterAt(
  c: DifferenceContext, codes: readonly string[], accepts: (m: ObservedMessage) => boolean, options: ComparisonOptions = {},
): boolean {
  const sy = c.switchyard;
  if (sy.end.kind !== 'rejected' || !codes.includes(sy.end.code)) return false;
  const last = sy.messages.at(-1);
  const i = last !== undefined && !last.complete ? sy.messages.length - 1 : sy.messages.length;
  const nodeMessage = c.node.messages[i];
  if (nodeMessage === undefined || !accepts(nodeMessage)) return false;
  if (last !== undefined && i === sy.messages.length - 1 && !sameHead(last, nodeMessage)) return false;
  const before = (o: Http1Observation): Http1Observation => ({ messages: o.messages.slice(0, i), end: sy.end });
  return firstDifference(before(sy), before(c.node), options) === null;
}

function sameHead(a: ObservedMessage, b: ObservedMessage): boolean {
  return a.method === b.method && a.target === b.target && a.status === b.status && a.version === b.version &&
    samePairs(a.headers, b.headers);
}

/** The values of every field named `name` (case-insensitive) in the message's head. */
export function fieldValues(m: ObservedMessage, name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < m.headers.length; i += 2) if (m.headers[i]!.toLowerCase() === name) values.push(m.headers[i + 1]!);
  return values;
}

/**
 * A Transfer-Encoding line whose trailing whitespace holds HTAB: OWS by RFC 9110, but llhttp does not
 * take it as the end of "chunked" (it refuses the request, reads a response until close), and other
 * parsers differ too, so refusing it is the safe reading.
 */
export function tabAfterCoding(input: Buffer): boolean {
  return /(?:^|\n)transfer-encoding:[^\r\n]*\t[ \t]*\r\n/i.test(input.toString('latin1'));
}

/** Token characters (RFC 9110 §5.6.2). */
export function isTokenChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    '!#$%&\'*+-.^_`|~'.includes(String.fromCharCode(c));
}

/** The largest hex number at the start of a line (chunk sizes are among them). */
export function largestChunkSize(input: Buffer): number {
  const text = input.toString('latin1');
  const re = /\n([0-9a-fA-F]+)/g;
  let largest = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) largest = Math.max(largest, Number.parseInt(m[1]!, 16));
  return largest;
}

/** The longest `;…` run (from the `;` to the CR) after a hex chunk size at a line start. */
export function longestChunkExtension(input: Buffer): number {
  const text = input.toString('latin1');
  const re = /\n[0-9a-fA-F]+(;[^\r\n]*)/g;
  let longest = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) longest = Math.max(longest, (m[1] ?? '').length);
  return longest;
}
