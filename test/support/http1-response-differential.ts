/**
 * Test support: the differential test of Switchyard's HTTP/1.1 response parser
 * (src/http1/response-parser.ts) against llhttp in response mode as node:http's client runs it, for
 * one request per connection (node:http's client never pipelines). Informational (1xx) heads count as
 * messages on both sides; the comparison stops at the final response, because node:http reads nothing
 * after it. {@link allowedResponseDifferences} lists every deliberate difference with its reason.
 */
import { defaultHttp1Limits, type Http1Limits } from '../../src/http1/limits.ts';
import { createResponseParser } from '../../src/http1/response-parser.ts';
import {
  fieldValues, firstDifference, largestChunkSize, stricterAt, tabAfterCoding, type AllowedDifference, type ComparisonOptions,
  type DifferenceContext,
} from './http1-comparison.ts';
import { parseResponsesWithLlhttp } from './llhttp-oracle.ts';
import { finishMessages, type Http1Observation, type MessageDraft, type ObservedEnd, type ObservedMessage } from './http1-observation.ts';

/** Keep-alive means nothing for informational heads (and node reports it for them, Switchyard does not). */
export const responseComparison: ComparisonOptions = {
  keepAliveMatters: (m) => !m.upgrade && m.status >= 200,
};

/** Feeds a server's `chunks` to a fresh Switchyard response parser after `expect(requestMethod)`. */
export function observeSwitchyardResponses(
  requestMethod: string, chunks: readonly Buffer[], limits: Partial<Http1Limits> = {},
): Http1Observation {
  const drafts: MessageDraft[] = [];
  let current: MessageDraft | null = null;
  let error: string | null = null;
  const parser = createResponseParser({
    onInformational(status, headers, rawHead) {
      drafts.push({
        method: '', target: '', status, version: rawHead.subarray(5, 8).toString('latin1'), headers: headers.slice(),
        bodyParts: [], trailers: [], complete: true, keepAlive: false, upgrade: false,
      });
    },
    onHead(head) {
      current = {
        method: '', target: '', status: head.status, version: `1.${head.versionMinor}`, headers: head.headers.slice(),
        bodyParts: [], trailers: [], complete: false, keepAlive: head.keepAlive, upgrade: head.upgrade,
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
  parser.expect(requestMethod);

  const done = (end: ObservedEnd): Http1Observation => ({ messages: finishMessages(drafts), end });
  for (let c = 0; c < chunks.length; c += 1) {
    const chunk = chunks[c]!;
    const consumed = parser.execute(chunk);
    if (error !== null) return done({ kind: 'rejected', code: error });
    if (parser.upgraded) {
      const last = drafts.at(-1);
      if (last !== undefined) last.complete = true;
      return done({ kind: 'upgraded', rest: Buffer.concat([chunk.subarray(consumed), ...chunks.slice(c + 1)]) });
    }
    if (consumed !== chunk.length) return done({ kind: 'rejected', code: `STALLED: consumed ${consumed} of ${chunk.length} bytes` });
  }
  const fin = parser.finish();
  if (error !== null) return done({ kind: 'rejected', code: error });
  if (fin === null) return done({ kind: 'clean' });
  if (fin === 'TRUNCATED') return done({ kind: 'truncated', code: fin });
  return done({ kind: 'rejected', code: fin });
}

/**
 * What node:http's client would make of it: nothing after the final response counts (node reads one
 * response per request), and a stream that ends without a final response is truncated.
 */
export function normaliseResponses(o: Http1Observation): Http1Observation {
  const final = o.messages.findIndex((m) => m.status >= 200 || m.upgrade);
  if (final < 0) return o.end.kind === 'clean' ? { messages: o.messages, end: { kind: 'truncated', code: 'NO_RESPONSE' } } : o;
  const last = o.messages[final]!;
  const messages = o.messages.slice(0, final + 1);
  if (last.upgrade || !last.complete) return { messages, end: o.end };
  return { messages, end: { kind: 'clean' } };
}

/** Context of a response comparison. */
export interface ResponseDifferenceContext extends DifferenceContext {
  readonly requestMethod: string;
}

/** A deliberate difference on the response side. */
export interface AllowedResponseDifference extends Omit<AllowedDifference, 'applies'> {
  applies(context: ResponseDifferenceContext): boolean;
}

function sameStatusAndFields(a: ObservedMessage, b: ObservedMessage): boolean {
  return a.status === b.status && a.version === b.version && a.headers.join('\0') === b.headers.join('\0');
}

/** The complete list of deliberate differences on the response side. */
export const allowedResponseDifferences: readonly AllowedResponseDifference[] = [
  {
    id: 'connect-tunnel-only-on-2xx',
    reason: 'RFC 9110 §9.3.6: only a 2xx answer to CONNECT turns the connection into a tunnel; a 1xx is informational ' +
      'and any other status an ordinary response with its own framing. node:http\'s client tunnels after any answer.',
    applies: (c) => {
      if (c.requestMethod !== 'CONNECT') return false;
      const i = c.node.messages.findIndex((m) => m.upgrade);
      const node = c.node.messages[i];
      const sy = c.switchyard.messages[i];
      if (node === undefined || sy === undefined || sy.upgrade || (node.status >= 200 && node.status < 300)) return false;
      const upTo = (o: Http1Observation): Http1Observation => ({ messages: o.messages.slice(0, i), end: { kind: 'clean' } });
      return firstDifference(upTo(c.switchyard), upTo(c.node), responseComparison) === null &&
        sy.status === node.status && fieldValues(sy, 'connection').join() === fieldValues(node, 'connection').join();
    },
  },
  {
    id: 'switching-protocols-without-upgrade',
    reason: 'RFC 9110 §15.2.2: a 101 MUST carry Upgrade (and, §7.8, list it in Connection). Switchyard refuses a ' +
      '101 without both (502) rather than pipe bytes no one agreed on; llhttp treats it as another informational ' +
      'head and waits for a final response that never comes.',
    applies: (c) => stricterAt(c, ['UNEXPECTED_RESPONSE'], (m) => m.status === 101 && !m.upgrade, responseComparison),
  },
  {
    id: 'head-response-keeps-connection',
    reason: 'RFC 9112 §6.3: a response to HEAD ends at its empty line whatever its fields say, so the connection stays ' +
      'reusable. llhttp decides keep-alive before node:http tells it the body is skipped, and closes a HEAD response ' +
      'without Content-Length or Transfer-Encoding.',
    applies: (c) => {
      if (c.requestMethod !== 'HEAD') return false;
      const i = c.switchyard.messages.findIndex((m, k) => m.keepAlive && c.node.messages[k]?.keepAlive === false && m.status >= 200);
      const sy = c.switchyard.messages[i];
      const node = c.node.messages[i];
      if (sy === undefined || node === undefined) return false;
      const upTo = (o: Http1Observation): Http1Observation => ({ messages: o.messages.slice(0, i), end: { kind: 'clean' } });
      return firstDifference(upTo(c.switchyard), upTo(c.node), responseComparison) === null &&
        firstDifference({ messages: [sy], end: c.switchyard.end }, { messages: [{ ...node, keepAlive: true }], end: c.node.end },
          responseComparison) === null;
    },
  },
  {
    id: 'http-1.0-persistence',
    reason: 'RFC 9112 §6.1 and §9.3: an HTTP/1.0 message with Transfer-Encoding, or with a close option, ends the ' +
      'connection. llhttp looks only for keep-alive in HTTP/1.0.',
    applies: (c) => {
      const i = c.switchyard.messages.findIndex((m, k) => !m.keepAlive && m.status >= 200 && c.node.messages[k]?.keepAlive === true);
      const sy = c.switchyard.messages[i];
      const node = c.node.messages[i];
      if (sy === undefined || node === undefined || sy.version !== '1.0') return false;
      const closeToken = fieldValues(sy, 'connection').some((v) => v.split(',').some((t) => t.trim().toLowerCase() === 'close'));
      if (!closeToken && fieldValues(sy, 'transfer-encoding').length === 0) return false;
      const upTo = (o: Http1Observation): Http1Observation => ({ messages: o.messages.slice(0, i), end: { kind: 'clean' } });
      return firstDifference(upTo(c.switchyard), upTo(c.node), responseComparison) === null &&
        sameStatusAndFields(sy, node);
    },
  },
  {
    id: 'control-bytes-in-reason-phrase',
    reason: 'RFC 9112 §4: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ). llhttp accepts other control bytes ' +
      'there; Switchyard refuses the response (502) like any other control byte in a head.',
    applies: (c) => /HTTP\/\d\.\d \d{3} [^\r\n]*[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(c.input.toString('latin1')) &&
      stricterAt(c, ['NUL_OR_CONTROL_BYTE'], () => true, responseComparison),
  },
  {
    id: 'early-rejection',
    reason: 'Switchyard refuses as soon as the bytes cannot become an acceptable response, where llhttp sometimes ' +
      'waits for the rest of the line or head. Allowed only when completing the stream (CRLF CRLF) makes llhttp ' +
      'refuse too, or leaves a difference another entry of this list explains.',
    applies: (c) => {
      if (c.switchyard.end.kind !== 'rejected' || c.node.end.kind !== 'truncated') return false;
      const messages = (o: Http1Observation): Http1Observation => ({ messages: o.messages, end: { kind: 'clean' } });
      if (firstDifference(messages(c.switchyard), messages(c.node), responseComparison) !== null) return false;
      const completed = compareResponseParsers(c.requestMethod, [c.input, Buffer.from('\r\n\r\n')], { limits: c.limits });
      if (completed.switchyard.end.kind !== 'rejected') return false;
      return completed.difference === null || (completed.allowedBy !== null && completed.allowedBy.id !== 'early-rejection');
    },
  },
  {
    id: 'http-2.0-status-line',
    reason: 'llhttp accepts an "HTTP/2.0" status line and frames it like HTTP/1.x; RFC 9112 defines only HTTP/1.0 and ' +
      'HTTP/1.1, so Switchyard refuses the response (502) instead of guessing.',
    applies: (c) => stricterAt(c, ['BAD_VERSION'], (m) => m.version === '2.0' || m.version === '0.9', responseComparison),
  },
  {
    id: 'status-below-100',
    reason: 'RFC 9110 §15: status codes run from 100 to 599 (three digits, first 1–5 in practice); llhttp accepts ' +
      '000–099 too. Switchyard refuses such a response (502) rather than guess its semantics.',
    applies: (c) => stricterAt(c, ['BAD_STATUS_LINE'], (m) => m.status < 100, responseComparison),
  },
  {
    id: 'transfer-coding-other-than-chunked',
    reason: 'Switchyard understands exactly one transfer coding, chunked. llhttp reads a response with another ' +
      'coding until the server closes, which a proxy could not re-frame faithfully, so Switchyard refuses it (502).',
    applies: (c) => stricterAt(c, ['UNSUPPORTED_TRANSFER_ENCODING'], (m) => {
      const values = fieldValues(m, 'transfer-encoding');
      return values.length > 0 && (!(values.length === 1 && values[0]!.toLowerCase() === 'chunked') || tabAfterCoding(c.input));
    }, responseComparison),
  },
  {
    id: 'lengths-beyond-2^53',
    reason: 'Switchyard keeps body lengths in JavaScript numbers and refuses a Content-Length or chunk size of 2^53 ' +
      'or more; llhttp goes up to 2^64 - 1.',
    applies: (c) =>
      stricterAt(c, ['BAD_CONTENT_LENGTH'], (m) => fieldValues(m, 'content-length').some((v) => /^[0-9]+$/.test(v) &&
        Number(v) > Number.MAX_SAFE_INTEGER), responseComparison) ||
      (largestChunkSize(c.input) > Number.MAX_SAFE_INTEGER && stricterAt(c, ['CHUNK_SIZE_OVERFLOW'], () => true, responseComparison)),
  },
];

/** Result of one response comparison. */
export interface ResponseDifferential {
  readonly switchyard: Http1Observation;
  readonly node: Http1Observation;
  readonly difference: string | null;
  readonly allowedBy: AllowedResponseDifference | null;
}

/** Runs both parsers over a server's `chunks` for a `requestMethod` request and compares them. */
export function compareResponseParsers(
  requestMethod: string, chunks: readonly Buffer[],
  options: { readonly limits?: Partial<Http1Limits>; readonly node?: Http1Observation } = {},
): ResponseDifferential {
  const limits: Http1Limits = { ...defaultHttp1Limits, ...options.limits };
  const switchyard = normaliseResponses(observeSwitchyardResponses(requestMethod, chunks, options.limits ?? {}));
  const node = normaliseResponses(options.node ?? parseResponsesWithLlhttp(chunks, requestMethod, { maxHeaderSize: limits.maxHeaderBytes }));
  const difference = firstDifference(switchyard, node, responseComparison);
  if (difference === null) return { switchyard, node, difference, allowedBy: null };
  const context: ResponseDifferenceContext = { switchyard, node, limits, input: Buffer.concat(chunks), requestMethod };
  return { switchyard, node, difference, allowedBy: allowedResponseDifferences.find((a) => a.applies(context)) ?? null };
}
