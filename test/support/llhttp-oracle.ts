/**
 * Test support: llhttp (Node's HTTP/1.1 parser) as an oracle for the differential test, in two forms.
 *
 * - {@link parseRequestsWithLlhttp} / {@link parseResponsesWithLlhttp}: fast and in-process, through the
 *   same `HTTPParser` binding node:http uses (reached through the public-but-undocumented `_http_common`
 *   module; `process.binding('http_parser')` no longer exists on Node 24). The request side replays
 *   the checks node:http's server adds on top of llhttp (see {@link applyNodeServerRules}).
 * - `startNodeHttpOracle` / `startNodeHttpClientOracle` (node-http-oracle.ts): the ground truth, a real
 *   node:http server (client) on 127.0.0.1 fed through a raw socket. The corpus runs through both kinds
 *   and requires them to agree; the fuzzers then use the fast one.
 */
import { createRequire } from 'node:module';
import { finishMessages, type Http1Observation, type MessageDraft, type ObservedEnd } from './http1-observation.ts';

/** The slice of Node's internal `HTTPParser` this oracle drives. */
interface NativeHttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenientFlags: number): void;
  execute(data: Buffer): number | NativeParseError;
  finish(): undefined | NativeParseError;
  close(): void;
  [slot: number]: unknown;
}
interface NativeParseError extends Error {
  readonly code?: string;
  readonly bytesParsed?: number;
}
interface NativeHttpParserClass {
  new(): NativeHttpParser;
  readonly REQUEST: number;
  readonly RESPONSE: number;
  readonly kOnMessageBegin: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
  readonly kLenientNone: number;
}

const httpCommon = createRequire(import.meta.url)('_http_common') as { readonly HTTPParser: NativeHttpParserClass };
const HTTPParser = httpCommon.HTTPParser;

/** node:http's default `maxHeaderSize` (`--max-http-header-size`), counted the way llhttp counts it. */
export const nodeDefaultMaxHeaderSize = 16 * 1024;
/** node:http keeps at most this many raw header entries (names and values) per message and drops the rest. */
const nodeMaxHeaderEntries = 2000;

/** Options of an oracle run. */
export interface LlhttpOracleOptions {
  /** node:http's `maxHeaderSize` (default 16 KiB). */
  readonly maxHeaderSize?: number;
}

/**
 * Feeds `chunks` (one TCP read each) to llhttp in request mode, configured as node:http's server
 * configures it (strict: no lenient flags), and applies node:http's own server rules.
 */
export function parseRequestsWithLlhttp(chunks: readonly Buffer[], options: LlhttpOracleOptions = {}): Http1Observation {
  const run = runParser('request', chunks, options, '');
  return applyNodeServerRules(run);
}

/**
 * Feeds `chunks` (a server's bytes) to llhttp in response mode as node:http's client runs it for one
 * request with method `requestMethod` (lib/_http_client.js parserOnIncomingClient): an upgrade (101)
 * or any answer to CONNECT hands the connection over; 1xx heads are informational and the final
 * response follows; HEAD answers and 304 have no body. node:http reads one response per request
 * (what follows it is a double response or discarded), so comparisons stop at the final response.
 */
export function parseResponsesWithLlhttp(chunks: readonly Buffer[], requestMethod: string, options: LlhttpOracleOptions = {}): Http1Observation {
  return runParser('response', chunks, options, requestMethod);
}

/**
 * node:http's server does more than llhttp (lib/_http_server.js, Node 24):
 * - an HTTP/1.1 request without Host is answered 400 + close and never reaches the handler
 *   (`requireHostHeader`, default true);
 * - a request with method PRI (the HTTP/2 preface) destroys the socket.
 * Both end the connection at that message, so the observation is cut there with a rejection.
 */
export function applyNodeServerRules(o: Http1Observation): Http1Observation {
  for (let i = 0; i < o.messages.length; i += 1) {
    const m = o.messages[i]!;
    const code = nodeServerRejection(m.method, m.version, m.headers);
    if (code !== null) return { messages: o.messages.slice(0, i), end: { kind: 'rejected', code } };
  }
  return o;
}

/** The node:http server rule (not llhttp) that refuses this head, or null. */
export function nodeServerRejection(method: string, version: string, headers: readonly string[]): string | null {
  if (method === 'PRI') return 'NODE_PRI_METHOD';
  if (version === '1.1' && !headers.some((v, i) => i % 2 === 0 && v.toLowerCase() === 'host')) return 'NODE_MISSING_HOST';
  return null;
}

type ParserKind = 'request' | 'response';

function runParser(
  kind: ParserKind,
  chunks: readonly Buffer[],
  options: LlhttpOracleOptions,
  requestMethod: string,
): Http1Observation {
  const parser = new HTTPParser();
  const drafts: MessageDraft[] = [];
  // node's parserOnHeaders: heads split across reads (or with more than 32 pairs) and trailers
  // arrive through kOnHeaders before kOnHeadersComplete / kOnMessageComplete.
  let pendingHeaders: string[] = [];
  let pendingUrl = '';
  let current: MessageDraft | null = null;
  let upgradeSeen = false;

  parser[HTTPParser.kOnMessageBegin] = () => undefined;
  parser[HTTPParser.kOnHeaders] = (headers: string[], url: string) => {
    const capacity = nodeMaxHeaderEntries - pendingHeaders.length;
    if (capacity >= headers.length) pendingHeaders.push(...headers);
    else if (capacity > 0) pendingHeaders.push(...headers.slice(0, capacity));
    pendingUrl += url;
  };
  parser[HTTPParser.kOnHeadersComplete] = (
    versionMajor: number, versionMinor: number, headers: string[] | undefined, method: number | undefined,
    url: string | undefined, statusCode: number | undefined, _statusMessage: string | undefined,
    upgrade: boolean, shouldKeepAlive: boolean,
  ): number => {
    const allHeaders = headers ?? pendingHeaders;
    if (headers === undefined) pendingHeaders = [];
    const target = url ?? pendingUrl;
    if (url === undefined) pendingUrl = '';
    const methodName = typeof method === 'number' ? (llhttpMethods[method] ?? `#${method}`) : '';
    current = {
      method: methodName,
      target: kind === 'request' ? target : '',
      status: kind === 'response' ? (statusCode ?? 0) : 0,
      version: `${versionMajor}.${versionMinor}`,
      headers: allHeaders.slice(0, nodeMaxHeaderEntries),
      bodyParts: [],
      trailers: [],
      complete: false,
      keepAlive: shouldKeepAlive,
      upgrade: false,
    };
    drafts.push(current);
    if (kind === 'request') {
      // node:http's parserOnIncoming: CONNECT always upgrades; other upgrades when the server has an
      // 'upgrade' listener (Switchyard always does). Returning 2 tells llhttp "no body, upgrade".
      if (upgrade) {
        current.upgrade = true;
        upgradeSeen = true;
        return 2;
      }
      return 0;
    }
    // node:http's client: 2 = no body and upgrade (101, or any answer to CONNECT); 1 = no body.
    if (upgrade || requestMethod === 'CONNECT') {
      current.upgrade = true;
      upgradeSeen = true;
      return 2;
    }
    if (current.status >= 100 && current.status < 200) return 1;
    return requestMethod === 'HEAD' || current.status === 304 ? 1 : 0;
  };
  parser[HTTPParser.kOnBody] = (b: Buffer) => {
    current?.bodyParts.push(Buffer.from(b));
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    if (current === null) return;
    current.complete = true;
    if (pendingHeaders.length > 0) {
      current.trailers = pendingHeaders;
      pendingHeaders = [];
      pendingUrl = '';
    }
    current = null;
  };

  parser.initialize(
    kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE,
    {},
    options.maxHeaderSize ?? nodeDefaultMaxHeaderSize,
    HTTPParser.kLenientNone,
  );

  let end: ObservedEnd = { kind: 'clean' };
  let bytesParsed = 0;
  try {
    for (let c = 0; c < chunks.length; c += 1) {
      const chunk = chunks[c]!;
      const ret = parser.execute(chunk);
      if (typeof ret !== 'number') {
        bytesParsed += ret.bytesParsed ?? 0;
        end = { kind: 'rejected', code: ret.code ?? 'HPE_UNKNOWN', offset: bytesParsed };
        return { messages: finishMessages(drafts), end };
      }
      bytesParsed += ret;
      if (upgradeSeen) {
        end = { kind: 'upgraded', rest: Buffer.concat([chunk.subarray(ret), ...chunks.slice(c + 1)]) };
        return { messages: finishMessages(drafts), end };
      }
      const last = drafts.at(-1);
      if (kind === 'request' && last !== undefined && last.method === 'PRI') {
        // node:http destroys the socket right after the read that produced a PRI head.
        return { messages: finishMessages(drafts), end: { kind: 'rejected', code: 'NODE_PRI_METHOD' } };
      }
    }
    // A response read until close completes here: llhttp calls kOnMessageComplete from finish().
    const fin = parser.finish();
    if (fin !== undefined) end = { kind: 'truncated', code: fin.code ?? 'HPE_UNKNOWN' };
    return { messages: finishMessages(drafts), end };
  } finally {
    parser.close();
  }
}

// llhttp reports the method as its number; node:http maps it through the binding's `allMethods`, which
// _http_common does not re-export. This is llhttp's HTTP_ALL_METHOD_MAP (llhttp.h) in number order; the
// node:http oracle checks the mapping on every corpus vector.
export const llhttpMethods: readonly string[] = [
  'DELETE', 'GET', 'HEAD', 'POST', 'PUT', 'CONNECT', 'OPTIONS', 'TRACE', 'COPY', 'LOCK', 'MKCOL', 'MOVE',
  'PROPFIND', 'PROPPATCH', 'SEARCH', 'UNLOCK', 'BIND', 'REBIND', 'UNBIND', 'ACL', 'REPORT', 'MKACTIVITY',
  'CHECKOUT', 'MERGE', 'M-SEARCH', 'NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PATCH', 'PURGE', 'MKCALENDAR',
  'LINK', 'UNLINK', 'SOURCE', 'PRI', 'DESCRIBE', 'ANNOUNCE', 'SETUP', 'PLAY', 'PAUSE', 'TEARDOWN',
  'GET_PARAMETER', 'SET_PARAMETER', 'REDIRECT', 'RECORD', 'FLUSH', 'QUERY',
];
