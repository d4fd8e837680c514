// The grammar of every head line, checked byte by byte: the one place that names a line's error.
// It runs over the bytes of a line still waiting for its LF, and refuses as soon as every possible
// ending of the line would be refused, so garbage (a TLS ClientHello on a plain port, a NUL in a
// field, `chunked\t`) is refused at its first impossible byte, as llhttp does. The line parsers
// (request-parser, response-parser, field-lines) take a fast path over complete lines and call
// `lineError` when anything is off, so the error code never depends on where the input was split.
import type { FieldError, FieldFacts } from './field-lines.ts';
import { CR, HTAB, SP, authorityChars, fieldValueChars, targetChars, tokenChars } from './char-tables.ts';

/** Starts the message of a refusal where the fast path and the check disagree (tests look for it). */
export const LINE_CHECK_DISAGREES = 'internal: line check disagrees:';

/** Which grammar a line follows. */
export type LineKind = 'request-line' | 'status-line' | 'field-line' | 'trailer-line';

// Phases of the checked line.
const METHOD = 0;
const TARGET = 1;
const VERSION = 2;
const STATUS = 3;
const FIELD_FIRST = 4;
const FIELD_NAME = 5;
const FIELD_VALUE = 6;

// Request-target forms llhttp accepts (RFC 9112 §3.2): `/…`, `*…`, `scheme://authority[/?…]`,
// and for CONNECT `authority[/?…]`.
export const FORM_START = 0;
const FORM_SCHEME = 1;
const FORM_SLASH0 = 2;
const FORM_SLASH1 = 3;
const FORM_AUTHORITY = 4;
export const FORM_REST = 5;
export const FORM_BAD = 6;

/** The form state after one more (VCHAR) target byte. */
export function nextTargetForm(form: number, b: number, connect: boolean): number {
  switch (form) {
    case FORM_START:
      if (connect) return nextAuthority(b);
      if (b === 0x2f || b === 0x2a) return FORM_REST;
      return isAlpha(b) ? FORM_SCHEME : FORM_BAD;
    case FORM_SCHEME:
      if (isAlpha(b)) return FORM_SCHEME;
      return b === 0x3a ? FORM_SLASH0 : FORM_BAD;
    case FORM_SLASH0:
      return b === 0x2f ? FORM_SLASH1 : FORM_BAD;
    case FORM_SLASH1:
      return b === 0x2f ? FORM_AUTHORITY : FORM_BAD;
    case FORM_AUTHORITY:
      return nextAuthority(b);
    default:
      return form;
  }
}

/** Whether a target whose bytes led to `form` may end there. */
export function targetFormComplete(form: number): boolean {
  return form === FORM_AUTHORITY || form === FORM_REST;
}

function nextAuthority(b: number): number {
  if (b === 0x2f || b === 0x3f) return FORM_REST;
  return authorityChars[b] === 1 ? FORM_AUTHORITY : FORM_BAD;
}

// Transfer-Encoding value states: an element's leading OWS, the letters of `chunked`, the SPs after it.
const TE_LEADING = 0;
const TE_WORD = 1;
const TE_AFTER_CHUNKED = 2;
// Content-Length value states.
const CL_LEADING = 0;
const CL_DIGITS = 1;
const CL_TRAILING = 2;
// Which field a name is, as far as the grammar cares.
const NAME_OTHER = 0;
const NAME_CONTENT_LENGTH = 1;
const NAME_TRANSFER_ENCODING = 2;

const CONNECT = 'CONNECT';
const HTTP_1 = 'HTTP/1.';
const CHUNKED = 'chunked';
const CONTENT_LENGTH = 'content-length';
const TRANSFER_ENCODING = 'transfer-encoding';
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const isAlpha = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

function error(code: FieldError['code'], message: string): FieldError {
  return { code, message };
}

const teRefused = (): FieldError => error('UNSUPPORTED_TRANSFER_ENCODING', 'Transfer-Encoding other than a single chunked');

/** A resumable check of one line; `start` it for each line, `push` its bytes (never the LF). */
export class LineCheck {
  private kind: LineKind = 'field-line';
  private facts: FieldFacts | null = null;
  private phase = FIELD_FIRST;
  private index = 0;
  private crPending = false;
  private tooManyFields = false;
  private connectSoFar = true;
  private connect = false;
  private form = FORM_START;
  private number = 0;
  private name = NAME_OTHER;
  private maybeContentLength = true;
  private maybeTransferEncoding = true;
  private valueState = 0;

  /**
   * Starts a line. `tooManyFields`: a field line here would be one more than maxHeaderCount;
   * `facts`: what the lines before it established (duplicate or conflicting framing fields).
   */
  start(kind: LineKind, tooManyFields: boolean, facts: FieldFacts | null): void {
    this.kind = kind;
    this.facts = facts;
    this.index = 0;
    this.crPending = false;
    this.tooManyFields = tooManyFields;
    this.connectSoFar = true;
    this.connect = false;
    this.form = FORM_START;
    this.number = 0;
    this.name = NAME_OTHER;
    this.maybeContentLength = true;
    this.maybeTransferEncoding = true;
    this.valueState = 0;
    this.phase = kind === 'request-line' ? METHOD : kind === 'status-line' ? STATUS : FIELD_FIRST;
  }

  /** Checks `buf[start, end)`; the error the complete line will certainly have, or null. */
  push(buf: Buffer, start: number, end: number): FieldError | null {
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      if (this.crPending) return this.mapped(this.step(CR)!);
      if (b === CR) {
        // The CR may end the line (an LF follows) or sit inside it: refuse now only when both
        // readings are refused with the same code.
        const atEnd = this.endError();
        const inside = this.step(CR)!;
        if (atEnd !== null && atEnd.code === inside.code) return this.mapped(inside);
        this.crPending = true;
        continue;
      }
      const e = this.step(b);
      if (e !== null) return this.mapped(e);
    }
    return null;
  }

  /**
   * The error of the complete line `buf[start, end)` (CRLF excluded), for a line parser whose fast
   * path found something wrong. Should the check find nothing, the two disagree (a bug the
   * split-independence tests look for): the line is still refused, the safe side, with a message
   * that says so.
   */
  lineError(kind: LineKind, buf: Buffer, start: number, end: number, facts: FieldFacts | null): FieldError {
    this.start(kind, false, facts);
    const e = this.push(buf, start, end) ?? (this.crPending ? this.mapped(this.step(CR)!) : null) ?? this.mappedOrNull(this.endError());
    if (e !== null) return e;
    const code = kind === 'request-line' ? 'BAD_REQUEST_LINE' : kind === 'status-line' ? 'BAD_STATUS_LINE'
      : kind === 'trailer-line' ? 'BAD_TRAILER' : 'BAD_HEADER_VALUE';
    return error(code, `${LINE_CHECK_DISAGREES} the ${kind} parser refused a line its check accepts`);
  }

  private mappedOrNull(e: FieldError | null): FieldError | null {
    return e === null ? null : this.mapped(e);
  }

  private mapped(e: FieldError): FieldError {
    if (this.kind !== 'trailer-line' || e.code === 'TOO_MANY_HEADERS') return e;
    return error('BAD_TRAILER', `trailer section: ${e.message}`);
  }

  /** The error of the line if it ended before the current position (null: it may end here). */
  private endError(): FieldError | null {
    switch (this.phase) {
      case METHOD:
      case TARGET:
        return error('BAD_REQUEST_LINE', 'the request line ends before its HTTP version');
      case VERSION:
        return this.index === 8 ? null : error('BAD_VERSION', 'the HTTP version is neither HTTP/1.0 nor HTTP/1.1');
      case STATUS: {
        const k = this.index;
        if (k < 5 || (k >= 8 && k < 12)) return error('BAD_STATUS_LINE', 'the status line ends early');
        return k < 8 ? error('BAD_VERSION', 'the HTTP version is neither HTTP/1.0 nor HTTP/1.1') : null;
      }
      case FIELD_FIRST:
        return null;
      case FIELD_NAME:
        return error('BAD_HEADER_NAME', 'a field line has no colon');
      case FIELD_VALUE:
        if (this.name === NAME_CONTENT_LENGTH && this.valueState === CL_LEADING) {
          return error('BAD_CONTENT_LENGTH', 'empty Content-Length');
        }
        if (this.name === NAME_TRANSFER_ENCODING && this.valueState !== TE_AFTER_CHUNKED) return teRefused();
        return null;
      default:
        throw new Error(`line check: unknown phase ${this.phase}`);
    }
  }

  /** Advances over one byte; an error leaves the state as it was (the parser dies anyway). */
  private step(b: number): FieldError | null {
    switch (this.phase) {
      case METHOD:
        if (tokenChars[b] === 1) {
          this.connectSoFar = this.connectSoFar && this.index < CONNECT.length && b === CONNECT.charCodeAt(this.index);
          this.index++;
          return null;
        }
        if (b === SP && this.index > 0) {
          this.connect = this.connectSoFar && this.index === CONNECT.length;
          this.phase = TARGET;
          this.index = 0;
          return null;
        }
        return error('BAD_REQUEST_LINE', 'the request line does not start with a method token and one SP');
      case TARGET:
        if (b === SP) {
          if (this.index === 0) return error('BAD_REQUEST_LINE', 'empty request-target (or more than one SP)');
          if (!targetFormComplete(this.form)) return badForm();
          this.phase = VERSION;
          this.index = 0;
          return null;
        }
        if (targetChars[b] !== 1) {
          // Nothing but a VCHAR can start a target, so a CR there is refused at once whether it ends
          // the line or not (llhttp does the same).
          if (this.index === 0) return error('BAD_REQUEST_LINE', 'empty request-target');
          return b < 0x20 || b === 0x7f
            ? error('NUL_OR_CONTROL_BYTE', `control byte 0x${b.toString(16)} in the request-target`)
            : error('BAD_REQUEST_LINE', `byte 0x${b.toString(16)} in the request-target`);
        }
        this.form = nextTargetForm(this.form, b, this.connect);
        if (this.form === FORM_BAD) return badForm();
        this.index++;
        return null;
      case VERSION: {
        const k = this.index;
        if (k === 0 && b === SP) return error('BAD_REQUEST_LINE', 'more than one SP before the HTTP version');
        const ok = k < 7 ? b === HTTP_1.charCodeAt(k) : k === 7 && (b === 0x30 || b === 0x31);
        if (!ok) return error('BAD_VERSION', 'the HTTP version is neither HTTP/1.0 nor HTTP/1.1');
        this.index++;
        return null;
      }
      case STATUS:
        return this.statusStep(b);
      case FIELD_FIRST:
        if (this.tooManyFields) return error('TOO_MANY_HEADERS', 'too many field lines');
        if (b === SP || b === HTAB) {
          return error('OBS_FOLD', 'a field line starts with whitespace (obsolete line folding is refused)');
        }
        {
          const e = this.nameStep(b);
          if (e === null && this.phase === FIELD_FIRST) this.phase = FIELD_NAME;
          return e;
        }
      case FIELD_NAME:
        return this.nameStep(b);
      case FIELD_VALUE:
        if (fieldValueChars[b] !== 1) {
          return b === CR
            ? error('BAD_HEADER_VALUE', 'CR not followed by LF inside a field value')
            : error('NUL_OR_CONTROL_BYTE', `control byte 0x${b.toString(16)} in a field value`);
        }
        if (this.name === NAME_CONTENT_LENGTH) return this.contentLengthStep(b);
        if (this.name === NAME_TRANSFER_ENCODING) return this.transferEncodingStep(b);
        return null;
      default:
        throw new Error(`line check: unknown phase ${this.phase}`);
    }
  }

  private nameStep(b: number): FieldError | null {
    if (tokenChars[b] === 1) {
      const lower = b | 0x20;
      const k = this.index;
      this.maybeContentLength = this.maybeContentLength && k < CONTENT_LENGTH.length && lower === CONTENT_LENGTH.charCodeAt(k);
      this.maybeTransferEncoding = this.maybeTransferEncoding && k < TRANSFER_ENCODING.length && lower === TRANSFER_ENCODING.charCodeAt(k);
      this.index++;
      return null;
    }
    if (b === 0x3a && this.index > 0) {
      this.phase = FIELD_VALUE;
      this.valueState = 0;
      if (this.maybeContentLength && this.index === CONTENT_LENGTH.length) this.name = NAME_CONTENT_LENGTH;
      else if (this.maybeTransferEncoding && this.index === TRANSFER_ENCODING.length) this.name = NAME_TRANSFER_ENCODING;
      return this.framingFieldError();
    }
    if ((b === SP || b === HTAB) && this.index > 0) {
      // llhttp refuses whitespace after a field name at once, whatever follows it.
      return error('WHITESPACE_BEFORE_COLON', 'whitespace after a field name, before its colon');
    }
    return error('BAD_HEADER_NAME', b === 0x3a ? 'empty field name' : `byte 0x${b.toString(16)} in a field name`);
  }

  /** Framing fields known from their name alone: in trailers, twice, or together. */
  private framingFieldError(): FieldError | null {
    if (this.name === NAME_OTHER) return null;
    if (this.kind === 'trailer-line') {
      // RFC 9110 §6.5.1: framing fields have no place in trailers; llhttp refuses them too.
      return error('BAD_TRAILER', 'Content-Length or Transfer-Encoding in a trailer section');
    }
    const facts = this.facts;
    if (facts === null) return null;
    if (this.name === NAME_CONTENT_LENGTH) {
      // llhttp refuses a second Content-Length even with the same value.
      if (facts.contentLength !== -1) return error('DUPLICATE_CONTENT_LENGTH', 'more than one Content-Length field');
      if (facts.transferEncoding) return error('CONTENT_LENGTH_WITH_TRANSFER_ENCODING', 'Content-Length with Transfer-Encoding');
    } else if (facts.contentLength !== -1) {
      return error('CONTENT_LENGTH_WITH_TRANSFER_ENCODING', 'Transfer-Encoding with Content-Length');
    }
    return null;
  }

  private contentLengthStep(b: number): FieldError | null {
    const ows = b === SP || b === HTAB;
    switch (this.valueState) {
      case CL_LEADING:
      case CL_DIGITS: {
        if (ows) {
          if (this.valueState === CL_DIGITS) this.valueState = CL_TRAILING;
          return null;
        }
        const d = b - 0x30;
        if (d < 0 || d > 9) return error('BAD_CONTENT_LENGTH', 'Content-Length is not a decimal number');
        if (this.number > (MAX_SAFE - d) / 10) return error('BAD_CONTENT_LENGTH', 'Content-Length above 2^53-1');
        this.number = this.number * 10 + d;
        this.valueState = CL_DIGITS;
        return null;
      }
      default:
        return ows ? null : error('BAD_CONTENT_LENGTH', 'Content-Length is not a decimal number');
    }
  }

  private transferEncodingStep(b: number): FieldError | null {
    // Only a single `chunked` is understood (RFC 9112 §6.1). Like llhttp: empty list elements may
    // precede it, only SP may follow it, and nothing may follow an earlier `chunked`.
    if (this.facts?.chunked === true) return b === SP || b === HTAB ? null : teRefused();
    switch (this.valueState) {
      case TE_LEADING:
        if (b === SP || b === HTAB || b === 0x2c) return null;
        if ((b | 0x20) !== 0x63) return teRefused();
        this.valueState = TE_WORD;
        this.index = 1;
        return null;
      case TE_WORD:
        if ((b | 0x20) !== CHUNKED.charCodeAt(this.index)) return teRefused();
        if (++this.index === CHUNKED.length) this.valueState = TE_AFTER_CHUNKED;
        return null;
      default:
        return b === SP ? null : teRefused();
    }
  }

  private statusStep(b: number): FieldError | null {
    const k = this.index;
    if (k < 5) {
      if (b !== HTTP_1.charCodeAt(k)) return error('BAD_STATUS_LINE', 'the status line does not start with HTTP/');
    } else if (k < 8) {
      const ok = k < 7 ? b === HTTP_1.charCodeAt(k) : b === 0x30 || b === 0x31;
      if (!ok) return error('BAD_VERSION', 'the HTTP version is neither HTTP/1.0 nor HTTP/1.1');
    } else if (k === 8) {
      if (b !== SP) return error('BAD_STATUS_LINE', 'the HTTP version is not followed by SP');
    } else if (k < 12) {
      if (!isDigit(b)) return error('BAD_STATUS_LINE', 'the status code is not 3 digits');
      this.number = this.number * 10 + (b - 0x30);
      if (k === 11 && this.number < 100) return error('BAD_STATUS_LINE', `status code ${this.number} is below 100`);
    } else if (k === 12) {
      if (b !== SP) return error('BAD_STATUS_LINE', 'the status code is not followed by SP');
    } else if (fieldValueChars[b] !== 1) {
      return error('NUL_OR_CONTROL_BYTE', `control byte 0x${b.toString(16)} in the reason phrase`);
    }
    this.index++;
    return null;
  }
}

function badForm(): FieldError {
  return error('BAD_REQUEST_LINE', 'the request-target is in none of the forms of RFC 9112 §3.2');
}
