/**
 * Test support: the differential test between Switchyard's HTTP/1.1 request parser
 * (src/http1/request-parser.ts) and llhttp as node:http's server uses it. Both observations are
 * compared for the same accept/reject decision and the same message boundaries (method, target,
 * version, raw header pairs, body bytes, trailers, keep-alive, upgrade and the bytes after an upgrade).
 * Every deliberate difference is an entry of {@link allowedRequestDifferences} with its reason; anything
 * else is a divergence and fails the test.
 */
import { defaultHttp1Limits, type Http1Limits } from '../../src/http1/limits.ts';
import { createRequestParser, type RequestHeadEvent } from '../../src/http1/request-parser.ts';
import {
  fieldValues, firstDifference, isTokenChar, largestChunkSize, longestChunkExtension, messageDifference, stricterAt,
  tabAfterCoding, type AllowedDifference, type DifferenceContext,
} from './http1-comparison.ts';
import { llhttpMethods, parseRequestsWithLlhttp } from './llhttp-oracle.ts';
import {
  finishMessages, type Http1Observation, type MessageDraft, type ObservedEnd, type ObservedMessage,
} from './http1-observation.ts';

/** What Switchyard's parser made of a stream, with the head events for the framing invariants. */
export interface SwitchyardRequestRun {
  readonly observation: Http1Observation;
  readonly heads: readonly RequestHeadEvent[];
}

/** Feeds `chunks` to a fresh Switchyard request parser and records everything it reports. */
export function observeSwitchyardRequests(chunks: readonly Buffer[], limits: Partial<Http1Limits> = {}): SwitchyardRequestRun {
  const drafts: MessageDraft[] = [];
  const heads: RequestHeadEvent[] = [];
  let current: MessageDraft | null = null;
  let error: string | null = null;
  const parser = createRequestParser({
    onHead(head) {
      heads.push(head);
      current = {
        method: head.method, target: head.target, status: 0, version: `1.${head.versionMinor}`,
        headers: head.headers.slice(), bodyParts: [], trailers: [], complete: false,
        keepAlive: head.keepAlive, upgrade: head.upgrade,
      };
      drafts.push(current);
    },
    onBody(chunk) {
      current?.bodyParts.push(Buffer.from(chunk));
    },
    onTrailers(pairs) {
      if (current !== null) current.trailers = pairs.slice();
    },
    onMessageComplete() {
      if (current !== null) current.complete = true;
      current = null;
    },
    onError(code) {
      error ??= code;
    },
  }, limits);

  const done = (end: ObservedEnd): SwitchyardRequestRun => ({ observation: { messages: finishMessages(drafts), end }, heads });
  for (let c = 0; c < chunks.length; c += 1) {
    const chunk = chunks[c]!;
    const consumed = parser.execute(chunk);
    if (error !== null) return done({ kind: 'rejected', code: error });
    if (parser.upgraded) {
      // The upgrade head completes the message: the parser hands the rest to the new protocol.
      const last = drafts.at(-1);
      if (last !== undefined) last.complete = true;
      return done({ kind: 'upgraded', rest: Buffer.concat([chunk.subarray(consumed), ...chunks.slice(c + 1)]) });
    }
    if (consumed !== chunk.length) {
      return done({ kind: 'rejected', code: `STALLED: consumed ${consumed} of ${chunk.length} bytes without pause() or upgrade` });
    }
  }
  const fin = parser.finish();
  if (error !== null) return done({ kind: 'rejected', code: error });
  if (fin === null) return done({ kind: 'clean' });
  if (fin === 'TRUNCATED') return done({ kind: 'truncated', code: fin });
  return done({ kind: 'rejected', code: fin });
}

/**
 * The complete list of deliberate differences on the request side. Each is narrow: it names the
 * Switchyard error code it allows and checks the fact in node's own view of the message.
 */
export const allowedRequestDifferences: readonly AllowedDifference[] = [
  {
    id: 'http-0.9-and-2.0-request-lines',
    reason: 'llhttp accepts "HTTP/0.9" (and a bare "GET /" line) and "HTTP/2.0" request lines and node:http serves them ' +
      'as HTTP/1.x; RFC 9112 defines only HTTP/1.0 and HTTP/1.1 framing, so Switchyard answers 400 (505 territory) ' +
      'instead of guessing how an unknown version frames its body.',
    applies: (c) => stricterAt(c, ['BAD_VERSION', 'BAD_REQUEST_LINE', 'BARE_LF'], (m) => m.version === '0.9' || m.version === '2.0'),
  },
  {
    id: 'extension-methods',
    reason: 'RFC 9110 §9.1: methods are extensible tokens and a proxy forwards ones it does not know (Traefik and ' +
      'nginx do). llhttp knows a fixed list (and no lower-case spelling) and refuses any other method at its first ' +
      'byte that leaves the list; from there on node:http gives no reference, and only the framing invariants apply.',
    applies: (c) => {
      const end = c.node.end;
      if (end.kind !== 'rejected' || end.code !== 'HPE_INVALID_METHOD' || end.offset === undefined) return false;
      const i = c.node.messages.length;
      const upTo = (o: Http1Observation): Http1Observation => ({ messages: o.messages.slice(0, i), end: { kind: 'clean' } });
      if (firstDifference(upTo(c.switchyard), upTo(c.node)) !== null) return false;
      const text = c.input.toString('latin1');
      const sy = c.switchyard.messages[i];
      if (sy !== undefined) {
        // llhttp failed inside (or right after) Switchyard's method of the next message.
        if (llhttpMethods.includes(sy.method)) return false;
        for (let start = Math.max(0, end.offset - sy.method.length); start <= end.offset; start += 1) {
          if (text.startsWith(`${sy.method} `, start)) return true;
        }
        return false;
      }
      // Switchyard is still reading the request line of an extension method at the end of the input. Where
      // that line starts is not reported; llhttp consumed a prefix of one of its methods up to `offset`.
      if (c.switchyard.end.kind !== 'truncated') return false;
      for (let start = end.offset; start >= Math.max(0, end.offset - 16); start -= 1) {
        const consumed = text.slice(start, end.offset);
        if (!llhttpMethods.some((m) => m.startsWith(consumed))) continue;
        let stop = start;
        while (stop < text.length && isTokenChar(text.charCodeAt(stop))) stop += 1;
        const token = text.slice(start, stop);
        if (token.length > 0 && !llhttpMethods.includes(token) && (stop === text.length || text[stop] === ' ')) return true;
      }
      return false;
    },
  },
  {
    id: 'duplicate-host',
    reason: 'RFC 9112 §3.2: a server MUST respond 400 to a request with more than one Host field; node:http keeps the first.',
    applies: (c) => stricterAt(c, ['DUPLICATE_HOST'], (m) => fieldValues(m, 'host').length > 1),
  },
  {
    id: 'header-count-limit',
    reason: 'Switchyard caps the fields of one head (maxHeaderCount, default 200) to bound per-request work; ' +
      'node:http has no count limit (it silently drops fields after the 1000th).',
    applies: (c) => stricterAt(c, ['TOO_MANY_HEADERS'],
      (m) => Math.max(m.headers.length, m.trailers.length) / 2 > c.limits.maxHeaderCount),
  },
  {
    id: 'request-line-limit',
    reason: 'Switchyard limits the request line on its own (maxRequestLineBytes, default 8 KiB, like nginx\'s ' +
      'large_client_header_buffers); llhttp only counts it inside the whole head.',
    applies: (c) => stricterAt(c, ['REQUEST_LINE_TOO_LONG'],
      (m) => m.method.length + m.target.length + 12 > c.limits.maxRequestLineBytes),
  },
  {
    id: 'head-size-accounting',
    reason: 'Switchyard counts every byte of the head against maxHeaderBytes; llhttp counts only the target, ' +
      'field names and values, so a head just over the limit is refused by Switchyard alone.',
    applies: (c) => stricterAt(c, ['HEAD_TOO_LARGE'], (m) => rawHeadLowerBound(m) > c.limits.maxHeaderBytes / 2),
  },
  {
    id: 'transfer-coding-other-than-chunked',
    reason: 'Switchyard understands exactly one transfer coding, chunked, and refuses any other Transfer-Encoding ' +
      'value (and "chunked" followed by HTAB, which parsers read differently) before reporting the head (RFC 9112 ' +
      '§6.1: 501/400 and close). llhttp accepts a list ending in chunked ("gzip, chunked") and refuses other values ' +
      'only after node:http has handed the head to the handler.',
    applies: (c) => stricterAt(c, ['UNSUPPORTED_TRANSFER_ENCODING'], (m) => {
      const values = fieldValues(m, 'transfer-encoding');
      return values.length > 0 && (!(values.length === 1 && values[0]!.toLowerCase() === 'chunked') || tabAfterCoding(c.input));
    }),
  },
  {
    id: 'lengths-beyond-2^53',
    reason: 'Switchyard keeps body lengths in JavaScript numbers and refuses a Content-Length or chunk size of 2^53 ' +
      'or more (RFC 9110 §8.6 lets a recipient refuse what it cannot represent); llhttp goes up to 2^64 - 1.',
    applies: (c) =>
      stricterAt(c, ['BAD_CONTENT_LENGTH'], (m) => fieldValues(m, 'content-length').some((v) => /^[0-9]+$/.test(v) &&
        Number(v) > Number.MAX_SAFE_INTEGER)) ||
      (largestChunkSize(c.input) > Number.MAX_SAFE_INTEGER && stricterAt(c, ['CHUNK_SIZE_OVERFLOW'], () => true)),
  },
  {
    id: 'http-1.0-persistence',
    reason: 'An HTTP/1.0 connection persists only with keep-alive and no close (RFC 9112 §9.3), and never after a ' +
      'message with Transfer-Encoding (§6.1: faulty framing, close after processing). llhttp looks only for ' +
      'keep-alive in HTTP/1.0 and keeps both cases open.',
    applies: (c) => {
      const i = c.switchyard.messages.findIndex((m, k) => !m.keepAlive && c.node.messages[k]?.keepAlive === true);
      const sy = c.switchyard.messages[i];
      const node = c.node.messages[i];
      if (sy === undefined || node === undefined || sy.version !== '1.0') return false;
      const closeToken = fieldValues(sy, 'connection').some((v) => v.split(',').some((t) => t.trim().toLowerCase() === 'close'));
      if (!closeToken && fieldValues(sy, 'transfer-encoding').length === 0) return false;
      const upTo = (o: Http1Observation): Http1Observation => ({ messages: o.messages.slice(0, i), end: { kind: 'clean' } });
      return firstDifference(upTo(c.switchyard), upTo(c.node)) === null &&
        messageDifference(sy, { ...node, keepAlive: false }) === null;
    },
  },
  {
    id: 'one-space-in-the-request-line',
    reason: 'RFC 9112 §3 lets a recipient accept runs of whitespace between the parts of the request line; ' +
      'Switchyard keeps the strict grammar (exactly one SP), llhttp accepts several.',
    applies: (c) => / {2}[^\r\n]*HTTP\/\d\.\d\r\n/.test(c.input.toString('latin1')) &&
      stricterAt(c, ['BAD_REQUEST_LINE'], () => true),
  },
  {
    id: 'early-rejection',
    reason: 'Switchyard refuses as soon as the bytes cannot become an acceptable message, where llhttp sometimes ' +
      'waits for the rest of the line or head. Allowed only when completing the stream (CRLF CRLF) makes node:http ' +
      'refuse too, or leaves a difference another entry of this list explains.',
    applies: (c) => {
      if (c.switchyard.end.kind !== 'rejected' || c.node.end.kind !== 'truncated') return false;
      const sameMessages = (o: Http1Observation): Http1Observation => ({ messages: o.messages, end: { kind: 'clean' } });
      if (firstDifference(sameMessages(c.switchyard), sameMessages(c.node)) !== null) return false;
      const completed = compareRequestParsers([c.input, Buffer.from('\r\n\r\n')], { limits: c.limits });
      if (completed.switchyard.observation.end.kind !== 'rejected') return false;
      return completed.difference === null || (completed.allowedBy !== null && completed.allowedBy.id !== 'early-rejection');
    },
  },
  {
    id: 'chunk-extension-limit',
    reason: 'Switchyard allows maxChunkExtensionBytes (default 4 KiB) of extensions per chunk; node allows 16 KiB.',
    applies: (c) => longestChunkExtension(c.input) > c.limits.maxChunkExtensionBytes &&
      stricterAt(c, ['BAD_CHUNK_EXTENSION'], () => true),
  },
];

function rawHeadLowerBound(m: ObservedMessage): number {
  return m.method.length + m.target.length + m.headers.reduce((n, v) => n + v.length + 2, 0);
}

/** Result of one differential comparison. */
export interface RequestDifferential {
  readonly switchyard: SwitchyardRequestRun;
  readonly node: Http1Observation;
  /** The first difference, or null. */
  readonly difference: string | null;
  /** The allow-list entry explaining the difference, or null. */
  readonly allowedBy: AllowedDifference | null;
}

/** Options of a comparison. */
export interface DifferentialOptions {
  /** Switchyard limits; the llhttp oracle gets maxHeaderSize = maxHeaderBytes so limit checks line up. */
  readonly limits?: Partial<Http1Limits>;
  /** A precomputed node observation (the corpus passes the ground truth from a real node:http server). */
  readonly node?: Http1Observation;
}

/** Runs both parsers over `chunks` and compares them. */
export function compareRequestParsers(chunks: readonly Buffer[], options: DifferentialOptions = {}): RequestDifferential {
  const limits: Http1Limits = { ...defaultHttp1Limits, ...options.limits };
  const switchyard = observeSwitchyardRequests(chunks, options.limits ?? {});
  const node = options.node ?? parseRequestsWithLlhttp(chunks, { maxHeaderSize: limits.maxHeaderBytes });
  const difference = firstDifference(switchyard.observation, node);
  if (difference === null) return { switchyard, node, difference, allowedBy: null };
  const context: DifferenceContext = { switchyard: switchyard.observation, node, limits, input: Buffer.concat(chunks) };
  const allowedBy = allowedRequestDifferences.find((a) => a.applies(context)) ?? null;
  return { switchyard, node, difference, allowedBy };
}
