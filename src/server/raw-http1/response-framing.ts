/**
 * How a response head is written and its body framed on an HTTP/1.x connection, decided once
 * per response from the status, the handler's header pairs and the request. The rules are
 * `node:http`'s (ServerResponse `_storeHeader`), so that both engines put the same bytes on the
 * wire and every end-to-end test means the same thing on either:
 *
 * - the status line is always `HTTP/1.1` (RFC 9110 §6.2: a server sends its own version);
 * - the handler's pairs are written as given, then `Date` unless present, then `Connection`
 *   (and `Keep-Alive: timeout=N`) unless the handler set one, then `Transfer-Encoding: chunked`
 *   when there is a body whose length is unknown and the client speaks HTTP/1.1;
 * - a HEAD request and 1xx/204/304 have no body (RFC 9110 §6.4.1, RFC 9112 §6.3);
 * - an HTTP/1.0 client without chunked support gets a close-delimited body, so the connection
 *   closes unless the length is known;
 * - a 204/304 head that claims chunked coding closes the connection (no zero chunk is sent).
 */
import { STATUS_CODES } from 'node:http';

/** The facts of the request a response answers. */
export interface RequestFacts {
  readonly headRequest: boolean;
  readonly versionMinor: 0 | 1;
  /**
   * True when the connection may persist after this response: the client asked for it (HTTP/1.1
   * without `Connection: close`, HTTP/1.0 with `keep-alive`) and the server is not stopping.
   */
  readonly keepAlive: boolean;
  /** An HTTP/1.0 request whose `TE` names chunked (node:http then frames chunked for it too). */
  readonly chunkedAccepted: boolean;
}

/** How the body bytes go on the wire. */
export type BodyFraming =
  /** No body may be sent: writes are dropped. */
  | 'none'
  /** The handler's Content-Length (or Transfer-Encoding) frames it; bytes pass through as written. */
  | 'passthrough'
  /** We frame it in chunks and end it with the zero chunk (and trailers). */
  | 'chunked'
  /** It ends when the connection closes. */
  | 'close';

export interface ResponseFraming {
  /** The head, ready to write as latin1 (status line through the empty line). */
  readonly head: string;
  readonly body: BodyFraming;
  /** Whether the connection may carry another request after this response. */
  readonly keepAlive: boolean;
  /**
   * With 'passthrough' framing by one Content-Length, the body bytes it announces; else -1. The
   * sink holds the handler to it: more or fewer bytes would desynchronise the connection.
   */
  readonly contentLength: number;
}

const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// node:http's checkInvalidHeaderChar: HTAB, SP-~ and obs-text; CR, LF and NUL split responses.
const invalidValuePattern = /[^\t\x20-\x7e\x80-\xff]/;
const closePattern = /(?:^|\W)close(?:$|\W)/i;
const chunkedPattern = /(?:^|\W)chunked(?:$|\W)/i;

const statusLines: string[] = [];

function statusLine(status: number): string {
  let line = statusLines[status];
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
    statusLines[status] = line;
  }
  return line;
}

/** An error with the `code` node:http gives the same mistake. */
function invalid(message: string, code: string, kind: 'type' | 'range' = 'type'): Error {
  const err = kind === 'range' ? new RangeError(message) : new TypeError(message);
  (err as Error & { code: string }).code = code;
  return err;
}

/**
 * Decides the head and framing of a response. `keepAliveTimeoutMs` is the idle timeout announced
 * in `Keep-Alive: timeout=` (0: no such header); `date` is the current HTTP-date. Throws, as
 * node:http does, on a status outside 100–999 or a header that is not a token or whose value
 * holds CR, LF or NUL (they would split the response).
 */
export function frameResponse(status: number, headers: readonly string[], request: RequestFacts, keepAliveTimeoutMs: number, date: string): ResponseFraming {
  if (!Number.isInteger(status) || status < 100 || status > 999) throw invalid(`Invalid status code: ${status}`, 'ERR_HTTP_INVALID_STATUS_CODE', 'range');
  let head = statusLine(status);
  const hasBody = !request.headRequest && status !== 204 && status !== 304 && (status < 100 || status > 199);
  let connection = false;
  let last = false;
  let keepAlive = request.keepAlive;
  let contentLength = false;
  let declaredLength = -1;
  let transferEncoding = false;
  let chunked = false;
  let hasDate = false;
  let defaultKeepAlive = true;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i]!;
    const value = headers[i + 1]!;
    if (!tokenPattern.test(name)) throw invalid(`Header name must be a valid HTTP token ["${name}"]`, 'ERR_INVALID_HTTP_TOKEN');
    if (invalidValuePattern.test(value)) throw invalid(`Invalid character in header content ["${name}"]`, 'ERR_INVALID_CHAR');
    head += `${name}: ${value}\r\n`;
    const n = name.length;
    if (n < 4 || n > 17) continue;
    switch (name.toLowerCase()) {
      case 'connection':
        connection = true;
        if (closePattern.test(value)) last = true;
        break;
      case 'transfer-encoding':
        transferEncoding = true;
        if (chunkedPattern.test(value)) chunked = true;
        break;
      case 'content-length':
        // A second one, or one that is not plain digits, is not a length we can hold anyone to.
        declaredLength = !contentLength && /^\d{1,15}$/.test(value) ? Number(value) : -1;
        contentLength = true;
        break;
      case 'date':
        hasDate = true;
        break;
      case 'keep-alive':
        defaultKeepAlive = false;
        break;
      default:
        break;
    }
  }
  if (!hasDate) head += `Date: ${date}\r\n`;
  const chunkedByDefault = request.versionMinor === 1 || request.chunkedAccepted;
  if (chunked && (status === 204 || status === 304)) {
    chunked = false;
    keepAlive = false;
  }
  if (!connection) {
    if (keepAlive && (contentLength || chunkedByDefault)) {
      head += 'Connection: keep-alive\r\n';
      if (keepAliveTimeoutMs > 0 && defaultKeepAlive) head += `Keep-Alive: timeout=${Math.floor(keepAliveTimeoutMs / 1000)}\r\n`;
    } else {
      last = true;
      head += 'Connection: close\r\n';
    }
  }
  let body: BodyFraming;
  if (!hasBody) body = 'none';
  else if (chunked) body = 'chunked';
  else if (contentLength || transferEncoding) body = 'passthrough';
  else if (!chunkedByDefault) {
    body = 'close';
    last = true;
  } else {
    head += 'Transfer-Encoding: chunked\r\n';
    body = 'chunked';
  }
  return { head: `${head}\r\n`, body, keepAlive: keepAlive && !last, contentLength: body === 'passthrough' && !transferEncoding ? declaredLength : -1 };
}
