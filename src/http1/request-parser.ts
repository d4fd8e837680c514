// Server side of the HTTP/1.1 codec: a strict, incremental request parser (RFC 9112), byte-for-byte
// in agreement with llhttp as node:http runs it, except where docs/http1-engine.md says otherwise.
import { resolveHttp1Limits, type Http1Limits } from './limits.ts';
import type { ParseErrorCode } from './parse-error-code.ts';
import type { FieldError, HeadText } from './field-lines.ts';
import { MessageParser } from './message-parser.ts';
import { SP, targetChars, tokenChars } from './char-tables.ts';
import { FORM_BAD, FORM_REST, FORM_START, nextTargetForm, targetFormComplete } from './line-check.ts';

export type { ParseErrorCode } from './parse-error-code.ts';

/** One request head, reported once the empty line after the field lines has arrived. */
export interface RequestHeadEvent {
  readonly method: string;
  readonly target: string;
  readonly versionMinor: 0 | 1;
  /** Raw pairs `[name, value, …]`: names as received, values with surrounding OWS removed. */
  readonly headers: string[];
  /** The exact bytes of the head, request line through the empty line. May be a view of the input. */
  readonly rawHead: Buffer;
  /** `none`: the parser delivers no body (also for upgrades: their bytes after the head are not HTTP). */
  readonly body: 'none' | 'length' | 'chunked';
  /** -1 unless `body === 'length'`. */
  readonly contentLength: number;
  /**
   * RFC 9112 §9.3: `close` ends it; HTTP/1.1 persists by default; HTTP/1.0 only with `keep-alive`.
   * When false, the parser refuses any further request bytes (`DATA_AFTER_CLOSE`), as llhttp does.
   */
  readonly keepAlive: boolean;
  /**
   * CONNECT, or `Connection: upgrade` with a non-empty `Upgrade` field: the parser stops right after
   * this head (`body` is then `none`); every following byte, body included, belongs to the new protocol.
   */
  readonly upgrade: boolean;
  /** HTTP/1.1 with `Expect: 100-continue` (ignored for HTTP/1.0, RFC 9110 §10.1.1). */
  readonly expectContinue: boolean;
}

/** What the request parser reports. Callbacks run synchronously inside `execute`. */
export interface RequestParserCallbacks {
  onHead(head: RequestHeadEvent): void;
  /** A piece of the body: a view of the input where possible, valid while the input is unchanged. */
  onBody(chunk: Buffer): void;
  /** Trailer fields of a chunked body as raw pairs, only when there are some. */
  onTrailers(pairs: string[]): void;
  onMessageComplete(): void;
  /** The request is refused; the parser is dead afterwards (answer 400, or 431 for the size limits, and close). */
  onError(code: ParseErrorCode, message: string): void;
}

/** An incremental request parser for one connection. */
export interface RequestParser {
  /**
   * Feeds bytes and returns how many were consumed. Less than `chunk.length` when the parser
   * paused at a message boundary, upgraded (the rest belongs to the new protocol) or failed.
   * Must not be called from inside a callback.
   */
  execute(chunk: Buffer): number;
  /** Stop after the current message completes (pipelining: answer in order), until `resume()`. */
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** After an upgrade request (or CONNECT) completed; bytes after it belong to the new protocol. */
  readonly upgraded: boolean;
  /** Some bytes of a request have been consumed and the request is not complete yet. */
  readonly messageInProgress: boolean;
  /**
   * The connection closed: an incomplete message is `TRUNCATED`, none in progress is fine (null).
   * After a refusal, returns that refusal's code.
   */
  finish(): ParseErrorCode | 'TRUNCATED' | null;
}

/** Creates a request parser; `limits` complete `defaultHttp1Limits` (invalid ones throw). */
export function createRequestParser(callbacks: RequestParserCallbacks, limits?: Partial<Http1Limits>): RequestParser {
  return new RequestParserImpl(callbacks, resolveHttp1Limits(limits));
}

const SLASH = 0x2f;

/** Common methods come back as the same interned strings instead of a fresh decode per request. */
const knownMethods = ['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'];

function methodName(buf: Buffer, start: number, end: number, text: HeadText): string {
  const length = end - start;
  outer: for (const known of knownMethods) {
    if (known.length !== length) continue;
    for (let i = 0; i < length; i++) {
      if (buf[start + i] !== known.charCodeAt(i)) continue outer;
    }
    return known;
  }
  return text.slice(buf, start, end);
}

/** `HTTP/1.0` or `HTTP/1.1` at `start` (length already checked): the minor version, else -1. */
function httpVersionMinor(buf: Buffer, start: number): number {
  if (buf[start] !== 0x48 || buf[start + 1] !== 0x54 || buf[start + 2] !== 0x54 || buf[start + 3] !== 0x50
    || buf[start + 4] !== SLASH || buf[start + 5] !== 0x31 || buf[start + 6] !== 0x2e) return -1;
  const minor = buf[start + 7]! - 0x30;
  return minor === 0 || minor === 1 ? minor : -1;
}

class RequestParserImpl extends MessageParser implements RequestParser {
  protected readonly startLineKind = 'request-line';
  private readonly callbacks: RequestParserCallbacks;
  private method = '';
  private target = '';
  private versionMinor: 0 | 1 = 1;

  constructor(callbacks: RequestParserCallbacks, limits: Http1Limits) {
    super(limits);
    this.callbacks = callbacks;
  }

  protected messageStarting(): FieldError | null {
    return null;
  }

  protected parseStartLine(buf: Buffer, start: number, end: number): FieldError | null {
    // The fast path: any anomaly asks LineCheck for the error, so it is the same however the line arrived.
    let i = start;
    while (i < end && tokenChars[buf[i]!] === 1) i++;
    if (i === start || i === end || buf[i] !== SP) return this.startLineError(buf, start, end);
    const methodEnd = i;
    const method = methodName(buf, start, methodEnd, this.text);
    const connect = method === 'CONNECT';
    const targetStart = i + 1;
    let j = targetStart;
    let form = FORM_START;
    while (j < end) {
      const b = buf[j]!;
      if (b === SP || targetChars[b] !== 1) break;
      if (form !== FORM_REST) {
        form = nextTargetForm(form, b, connect);
        if (form === FORM_BAD) return this.startLineError(buf, start, end);
      }
      j++;
    }
    if (j === targetStart || j === end || buf[j] !== SP || !targetFormComplete(form)) return this.startLineError(buf, start, end);
    const versionStart = j + 1;
    const minor = end - versionStart === 8 ? httpVersionMinor(buf, versionStart) : -1;
    if (minor < 0) return this.startLineError(buf, start, end);
    this.method = method;
    this.target = this.text.slice(buf, targetStart, j);
    this.versionMinor = minor === 1 ? 1 : 0;
    return null;
  }

  protected headComplete(): void {
    const facts = this.facts;
    const minor = this.versionMinor;
    // RFC 9112 §3.2: 400 for an HTTP/1.1 request without Host and for any request with more than one.
    if (minor === 1 && facts.hostCount === 0) return this.fail('MISSING_HOST', 'HTTP/1.1 request without Host');
    if (facts.hostCount > 1) return this.fail('DUPLICATE_HOST', 'more than one Host field');
    const connect = this.method === 'CONNECT';
    let body: 'none' | 'length' | 'chunked' = 'none';
    let contentLength = -1;
    if (facts.transferEncoding) {
      // Only `chunked` is understood, and it must be the one coding (RFC 9112 §6.1, §7).
      if (!facts.chunked) {
        return this.fail('UNSUPPORTED_TRANSFER_ENCODING', 'Transfer-Encoding other than a single chunked');
      }
      body = 'chunked';
    } else if (facts.contentLength >= 0) {
      body = 'length';
      contentLength = facts.contentLength;
    }
    const upgrade = connect || (facts.connectionUpgrade && facts.upgradeHeader);
    // node:http hands every byte after an upgrade head (CONNECT or Connection: upgrade) to the new
    // protocol, body framing or not: the parser delivers no body and stops.
    if (upgrade) {
      body = 'none';
      contentLength = -1;
    }
    // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding is processed, then the connection closes.
    const keepAlive = !facts.connectionClose && (minor === 1 || facts.connectionKeepAlive)
      && !(minor === 0 && facts.transferEncoding);
    this.upgradeAfterMessage = upgrade;
    this.closeAfterMessage = !keepAlive;
    this.callbacks.onHead({
      method: this.method,
      target: this.target,
      versionMinor: minor,
      headers: this.pairs,
      rawHead: this.rawHead,
      body,
      contentLength,
      keepAlive,
      upgrade,
      expectContinue: minor === 1 && facts.expectContinue,
    });
    this.beginBody(body, contentLength);
  }

  protected emitBody(chunk: Buffer): void {
    this.callbacks.onBody(chunk);
  }

  protected emitTrailers(pairs: string[]): void {
    this.callbacks.onTrailers(pairs);
  }

  protected emitMessageComplete(): void {
    this.callbacks.onMessageComplete();
  }

  protected emitError(code: ParseErrorCode, message: string): void {
    this.callbacks.onError(code, message);
  }
}
