/**
 * The head of one request to a server, built once when the request is dispatched: the request
 * line and header fields as bytes ready for the socket, plus the facts the writer needs to frame
 * the body. Framing itself (Content-Length, chunked) is added when the body's first bytes are
 * written, because a body whose length turns out to be known at that point is sent sized, as
 * undici does.
 *
 * Input is what undici's `dispatch` accepts and is checked the way undici checks it (same error
 * classes and codes), so a caller sees the same failures from either engine:
 * - `host` goes first (RFC 9110 §7.2) and defaults to the origin's authority;
 * - `connection` may only carry tokens; `close` turns keep-alive off for this request;
 * - `transfer-encoding`, `keep-alive` and `upgrade` are refused: framing and upgrades belong to
 *   the pool (`upgrade` is an option, not a field);
 * - `content-length` is taken out and written back by the writer, after checking the body;
 * - `expect: 100-continue` is honoured (undici refuses every `expect`; see the writer).
 */
import type { Dispatcher } from 'undici';
import { errors } from 'undici';

/** A request head, built once. */
export interface RequestHead {
  readonly method: string;
  /** Request line and fields, each ending in CRLF, without framing fields and without the empty line. */
  readonly lines: string;
  /** The `content-length` field's value, or null when there is none. */
  readonly contentLength: number | null;
  /**
   * The caller asked the server to confirm before the body is sent; the writer adds the field
   * only when there is a body (RFC 9110 §10.1.1).
   */
  readonly expectContinue: boolean;
  /** The connection is not reused after this request (`connection: close`, HEAD, upgrade). */
  readonly close: boolean;
  /** The method gives a body a meaning: an empty body is sent as `content-length: 0` (RFC 9110 §8.6). */
  readonly expectsPayload: boolean;
  /** The protocol asked for in `Upgrade`, or null. */
  readonly upgrade: string | null;
}

/** Header name characters (RFC 9110 §5.6.2 token). */
const tokenChars = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") tokenChars[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) tokenChars[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) tokenChars[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) tokenChars[c] = 1;

/** True when `s` is a non-empty token. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || tokenChars[c] !== 1) return false;
  }
  return true;
}

/** Field values may carry HTAB, visible ASCII and obs-text; never CR, LF or NUL (RFC 9110 §5.5). */
const invalidValue = /[^\t\x20-\x7e\x80-\xff]/;
/** A request target: no controls, spaces or characters beyond Latin-1 (undici's rule). */
const invalidPath = /[^\u0021-\u00ff]/;

/** Methods whose requests carry a body by definition (undici's list). */
const payloadMethods: ReadonlySet<string> = new Set(['PUT', 'POST', 'PATCH', 'QUERY', 'PROPFIND', 'PROPPATCH']);

/**
 * Builds the head for `options`. `defaultHost` is the origin's authority (port omitted when it is
 * the scheme's default, as undici sends it); `keepAlive` is the pool's policy (false when reuse is off).
 * Throws undici's InvalidArgumentError/NotSupportedError for input undici refuses.
 */
export function buildRequestHead(options: Dispatcher.DispatchOptions, defaultHost: string, keepAlive: boolean): RequestHead {
  const { method, path } = options;
  if (typeof path !== 'string') throw new errors.InvalidArgumentError('path must be a string');
  if (path[0] !== '/' && !path.startsWith('http://') && !path.startsWith('https://')) {
    throw new errors.InvalidArgumentError('path must be an absolute URL or start with a slash');
  }
  if (invalidPath.test(path)) throw new errors.InvalidArgumentError('invalid request path');
  if (typeof method !== 'string' || !isToken(method)) throw new errors.InvalidArgumentError('invalid request method');
  if (method === 'CONNECT') throw new errors.NotSupportedError('CONNECT is not supported by the raw HTTP/1.1 pool');
  if (options.query != null) throw new errors.NotSupportedError('query is not supported by the raw HTTP/1.1 pool; put it in path');
  const upgrade = typeof options.upgrade === 'string' && options.upgrade !== '' ? options.upgrade : null;
  if (options.upgrade === true) throw new errors.InvalidArgumentError('upgrade must be a string');
  if (upgrade !== null && invalidValue.test(upgrade)) throw new errors.InvalidArgumentError('invalid upgrade header');

  const state: HeadState = { host: null, fields: '', contentLength: null, expectContinue: options.expectContinue === true, close: options.reset === true };
  forEachHeader(options.headers, (name, value) => addField(state, name, value));

  const close = state.close || !keepAlive || method === 'HEAD' || upgrade !== null;
  // undici's order: request line, Host, Connection (and Upgrade), then the caller's fields.
  let lines = `${method} ${path} HTTP/1.1\r\nhost: ${state.host ?? defaultHost}\r\n`;
  if (upgrade !== null) lines += `connection: upgrade\r\nupgrade: ${upgrade}\r\n`;
  else lines += close ? 'connection: close\r\n' : 'connection: keep-alive\r\n';
  lines += state.fields;
  return {
    method,
    lines,
    contentLength: state.contentLength,
    expectContinue: state.expectContinue,
    close,
    expectsPayload: payloadMethods.has(method),
    upgrade,
  };
}

interface HeadState {
  host: string | null;
  fields: string;
  contentLength: number | null;
  expectContinue: boolean;
  close: boolean;
}

function addField(state: HeadState, name: string, value: string): void {
  if (!isToken(name)) throw new errors.InvalidArgumentError('invalid header key');
  if (invalidValue.test(value)) throw new errors.InvalidArgumentError(`invalid ${name} header`);
  // Only names of these lengths need a look; the rest are copied as given.
  if (!specialLength[name.length]) {
    state.fields += `${name}: ${value}\r\n`;
    return;
  }
  switch (name.toLowerCase()) {
    case 'host':
      if (state.host !== null) throw new errors.InvalidArgumentError('duplicate host header');
      state.host = value;
      return;
    case 'content-length':
      if (state.contentLength !== null) throw new errors.InvalidArgumentError('duplicate content-length header');
      if (!/^\d+$/.test(value)) throw new errors.InvalidArgumentError('invalid content-length header');
      state.contentLength = Number.parseInt(value, 10);
      return;
    case 'transfer-encoding':
    case 'keep-alive':
    case 'upgrade':
      throw new errors.InvalidArgumentError(`invalid ${name.toLowerCase()} header`);
    case 'connection':
      for (const token of value.toLowerCase().split(',')) {
        const t = token.trim();
        if (!isToken(t)) throw new errors.InvalidArgumentError('invalid connection header');
        if (t === 'close') state.close = true;
      }
      return;
    case 'expect':
      if (value.trim().toLowerCase() !== '100-continue') throw new errors.NotSupportedError(`expect: ${value} is not supported`);
      state.expectContinue = true;
      return;
    default:
      state.fields += `${name}: ${value}\r\n`;
  }
}

const specialLength: boolean[] = [];
for (const n of ['host', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'connection', 'expect']) specialLength[n.length] = true;

type HeaderValue = string | number | readonly string[] | null | undefined;

/** Walks undici's header shapes: flat pairs, an object, or an iterable of pairs. */
function forEachHeader(headers: Dispatcher.DispatchOptions['headers'], fn: (name: string, value: string) => void): void {
  if (headers == null) return;
  const each = (name: unknown, value: HeaderValue): void => {
    if (typeof name !== 'string') throw new errors.InvalidArgumentError('invalid header key');
    if (value === undefined) return;
    if (value === null) return fn(name, '');
    if (typeof value === 'string') return fn(name, value);
    if (typeof value === 'number') return fn(name, String(value));
    if (Array.isArray(value)) {
      for (const v of value as readonly unknown[]) {
        if (typeof v !== 'string') throw new errors.InvalidArgumentError(`invalid ${name} header`);
        fn(name, v);
      }
      return;
    }
    throw new errors.InvalidArgumentError(`invalid ${name} header`);
  };
  if (Array.isArray(headers)) {
    if (headers.length % 2 !== 0) throw new errors.InvalidArgumentError('headers array must be even');
    for (let i = 0; i < headers.length; i += 2) each(headers[i], headers[i + 1] as HeaderValue);
    return;
  }
  if (typeof headers !== 'object') throw new errors.InvalidArgumentError('headers must be an object or an array');
  if (Symbol.iterator in headers) {
    for (const pair of headers as Iterable<unknown>) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new errors.InvalidArgumentError('headers must be in key-value pair format');
      each(pair[0], pair[1] as HeaderValue);
    }
    return;
  }
  for (const [name, value] of Object.entries(headers as Record<string, HeaderValue>)) each(name, value);
}
