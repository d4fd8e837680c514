// Client side of the HTTP/1.1 codec: a strict, incremental response parser for upstream
// connections (RFC 9112 §4, §6.3), as strict toward servers as llhttp is in Node's default mode
// except where docs/http1-engine.md lists a difference.
import { resolveHttp1Limits, type Http1Limits } from './limits.ts';
import type { ParseErrorCode } from './parse-error-code.ts';
import type { FieldError } from './field-lines.ts';
import { MessageParser, type BodyFraming } from './message-parser.ts';
import { SP, fieldValueChars } from './char-tables.ts';

/** One final (non-1xx) response head. */
export interface ResponseHeadEvent {
  readonly versionMinor: 0 | 1;
  /** 101–999 (1xx other than 101 go to `onInformational`). */
  readonly status: number;
  readonly reason: string;
  /** Raw pairs `[name, value, …]`: names as received, values with surrounding OWS removed. */
  readonly headers: string[];
  /** The exact bytes of the head, status line through the empty line. May be a view of the input. */
  readonly rawHead: Buffer;
  /** `close`: the body runs until the server closes the connection (call `finish()` then). */
  readonly body: 'none' | 'length' | 'chunked' | 'close';
  /** -1 unless `body === 'length'`. */
  readonly contentLength: number;
  /** Whether the connection may carry another request after this response (RFC 9112 §9.3). */
  readonly keepAlive: boolean;
  /**
   * 101 Switching Protocols (with Connection: upgrade and Upgrade, else the response is refused), or
   * a 101 or 2xx answer to CONNECT: the parser stops after this head.
   */
  readonly upgrade: boolean;
}

/** What the response parser reports. Callbacks run synchronously inside `execute` (or `finish`). */
export interface ResponseParserCallbacks {
  /** A 1xx head other than 101 (100 Continue, 103 Early Hints, …); the final response follows. */
  onInformational(status: number, headers: string[], rawHead: Buffer): void;
  onHead(head: ResponseHeadEvent): void;
  /** A piece of the body: a view of the input where possible, valid while the input is unchanged. */
  onBody(chunk: Buffer): void;
  onTrailers(pairs: string[]): void;
  onMessageComplete(): void;
  /** The response is refused; the parser is dead afterwards (discard the connection, 502). */
  onError(code: ParseErrorCode, message: string): void;
}

/** An incremental response parser for one upstream connection. */
export interface ResponseParser {
  /**
   * Announces the request whose response comes next (call once per request, in sending order;
   * several may be outstanding when pipelining). A response for `HEAD` has no body; a 2xx
   * response to `CONNECT` starts a tunnel.
   */
  expect(method: string): void;
  /** Responses announced with `expect` and not complete yet. */
  readonly outstanding: number;
  /** Feeds bytes; returns how many were consumed (fewer when paused, upgraded or refused). */
  execute(chunk: Buffer): number;
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  readonly upgraded: boolean;
  /** Some bytes of a response have been consumed and it is not complete yet. */
  readonly messageInProgress: boolean;
  /**
   * The server closed the connection. Completes a close-delimited body (null); an incomplete
   * response is `TRUNCATED`; no response in progress is null.
   */
  finish(): ParseErrorCode | 'TRUNCATED' | null;
}

/** Creates a response parser; `limits` complete `defaultHttp1Limits` (invalid ones throw). */
export function createResponseParser(callbacks: ResponseParserCallbacks, limits?: Partial<Http1Limits>): ResponseParser {
  return new ResponseParserImpl(callbacks, resolveHttp1Limits(limits));
}

/** A decimal digit value (the byte minus 0x30) is 0–9. */
const isDigit = (d: number): boolean => d >= 0 && d <= 9;

function refuse(code: ParseErrorCode, message: string): FieldError {
  return { code, message };
}


class ResponseParserImpl extends MessageParser implements ResponseParser {
  protected readonly startLineKind = 'status-line';
  private readonly callbacks: ResponseParserCallbacks;
  private readonly methods: string[] = [];
  private status = 0;
  private reason = '';
  private versionMinor: 0 | 1 = 1;

  constructor(callbacks: ResponseParserCallbacks, limits: Http1Limits) {
    super(limits);
    this.callbacks = callbacks;
  }

  expect(method: string): void {
    this.methods.push(method);
  }

  get outstanding(): number {
    return this.methods.length;
  }

  protected messageStarting(): FieldError | null {
    return this.methods.length === 0 ? refuse('UNEXPECTED_RESPONSE', 'bytes from the server while no request is outstanding') : null;
  }

  protected override failStartLineTooLong(): void {
    this.fail('HEAD_TOO_LARGE', `status line above ${this.limits.maxRequestLineBytes} bytes`);
  }

  protected parseStartLine(buf: Buffer, start: number, end: number): FieldError | null {
    // status-line = HTTP-version SP status-code SP [ reason-phrase ]; like llhttp we also accept the
    // line ending right after the status code (many servers omit the second SP). Any anomaly asks
    // LineCheck for the error, so it is the same however the line arrived.
    const length = end - start;
    if (length < 12 || buf[start] !== 0x48 || buf[start + 1] !== 0x54 || buf[start + 2] !== 0x54 || buf[start + 3] !== 0x50
      || buf[start + 4] !== 0x2f || buf[start + 5] !== 0x31 || buf[start + 6] !== 0x2e || buf[start + 8] !== SP) {
      return this.startLineError(buf, start, end);
    }
    const minor = buf[start + 7]! - 0x30;
    const d0 = buf[start + 9]! - 0x30;
    const d1 = buf[start + 10]! - 0x30;
    const d2 = buf[start + 11]! - 0x30;
    if ((minor !== 0 && minor !== 1) || !isDigit(d0) || !isDigit(d1) || !isDigit(d2) || d0 === 0) {
      return this.startLineError(buf, start, end);
    }
    let reasonStart = start + 12;
    if (reasonStart < end) {
      if (buf[reasonStart] !== SP) return this.startLineError(buf, start, end);
      reasonStart++;
      for (let i = reasonStart; i < end; i++) {
        if (fieldValueChars[buf[i]!] !== 1) return this.startLineError(buf, start, end);
      }
    }
    this.status = d0 * 100 + d1 * 10 + d2;
    this.reason = reasonStart < end ? this.text.slice(buf, reasonStart, end) : '';
    this.versionMinor = minor === 1 ? 1 : 0;
    return null;
  }

  protected headComplete(): void {
    const facts = this.facts;
    const status = this.status;
    const method = this.methods[0]!;
    if (status < 200 && status !== 101) {
      // Informational: framing fields are meaningless here (RFC 9110 §15.2), the final response follows.
      // An HTTP/1.0 server cannot send 1xx (RFC 9110 §15.2): with llhttp's persistence rules its
      // connection ends here, so the final head that follows is refused (DATA_AFTER_CLOSE).
      const persists = !facts.connectionClose && (this.versionMinor === 1 || facts.connectionKeepAlive);
      this.callbacks.onInformational(status, this.pairs, this.rawHead);
      this.expectAnotherHead(!persists);
      return;
    }
    const minor = this.versionMinor;
    if (status === 101 && method !== 'CONNECT' && !(facts.connectionUpgrade && facts.upgradeHeader)) {
      // RFC 9110 §15.2.2: a 101 MUST say what it switches to. llhttp does not switch without
      // Connection: upgrade and Upgrade either (it then waits for a message that never ends).
      return this.fail('UNEXPECTED_RESPONSE', '101 Switching Protocols without Connection: upgrade and Upgrade');
    }
    const upgrade = status === 101 || (method === 'CONNECT' && status < 300);
    let body: BodyFraming = 'none';
    let contentLength = -1;
    // RFC 9112 §6.3 in order: no body for HEAD, 1xx, 204, 304 and tunnels; then Transfer-Encoding,
    // then Content-Length, else the body runs until the server closes.
    if (!upgrade && method !== 'HEAD' && status !== 204 && status !== 304) {
      if (facts.transferEncoding) {
        // Only `chunked` is understood; llhttp would read other codings until close, which a proxy
        // could not forward faithfully, so they are refused (502) instead.
        if (!facts.chunked) {
          return this.fail('UNSUPPORTED_TRANSFER_ENCODING', 'Transfer-Encoding other than a single chunked');
        }
        body = 'chunked';
      } else if (facts.contentLength >= 0) {
        body = 'length';
        contentLength = facts.contentLength;
      } else {
        body = 'close';
      }
    }
    const keepAlive = !facts.connectionClose && (minor === 1 || facts.connectionKeepAlive)
      && body !== 'close' && !(minor === 0 && facts.transferEncoding);
    this.upgradeAfterMessage = upgrade;
    this.closeAfterMessage = !keepAlive;
    this.callbacks.onHead({
      versionMinor: minor,
      status,
      reason: this.reason,
      headers: this.pairs,
      rawHead: this.rawHead,
      body,
      contentLength,
      keepAlive,
      upgrade,
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
    this.methods.shift();
    this.callbacks.onMessageComplete();
  }

  protected emitError(code: ParseErrorCode, message: string): void {
    this.callbacks.onError(code, message);
  }
}
