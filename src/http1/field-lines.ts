// One field line (RFC 9112 §5, RFC 9110 §5.5) parsed from a byte range, and the facts the framing
// decision needs, gathered while the lines go by so no header is looked up twice.
import type { ParseErrorCode } from './parse-error-code.ts';
import { COLON, HTAB, SP, fieldValueChars, tokenChars } from './char-tables.ts';
import type { LineCheck } from './line-check.ts';

/** A refusal with its reason; allocated only when a message is refused. */
export interface FieldError {
  readonly code: ParseErrorCode;
  readonly message: string;
}

interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
}

/** Decodes bytes as latin1 (one char per byte) with Node's fast path, without an encoding lookup. */
export function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as Latin1Buffer).latin1Slice(start, end);
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Decodes the names and values of a head. Crossing into C++ for every latin1 decode costs far more
 * than parsing, so when a whole head sits in one input buffer it is decoded once and every name
 * and value is a slice of that string; anything else is decoded on its own.
 */
export class HeadText {
  private buf: Buffer | null = null;
  private base = 0;
  private end = 0;
  private text = '';

  /** Decodes `buf[start, end)` once for the slices that follow. */
  cover(buf: Buffer, start: number, end: number): void {
    this.buf = buf;
    this.base = start;
    this.end = end;
    this.text = latin1(buf, start, end);
  }

  /** Drops the decoded head (and the reference to its buffer). */
  clear(): void {
    this.buf = null;
    this.text = '';
  }

  covers(buf: Buffer, start: number): boolean {
    return buf === this.buf && start >= this.base && start < this.end;
  }

  slice(buf: Buffer, start: number, end: number): string {
    if (buf === this.buf && start >= this.base && end <= this.end) return this.text.slice(start - this.base, end - this.base);
    return latin1(buf, start, end);
  }
}

/** Framing and connection facts of one head (or trailer section), reset for each message. */
export class FieldFacts {
  /** Parsed Content-Length, -1 when absent. */
  contentLength = -1;
  transferEncoding = false;
  /** Transfer-Encoding is exactly one `chunked` (anything else is refused on its line). */
  chunked = false;
  connectionClose = false;
  connectionKeepAlive = false;
  connectionUpgrade = false;
  upgradeHeader = false;
  expectContinue = false;
  hostCount = 0;

  reset(): void {
    this.contentLength = -1;
    this.transferEncoding = false;
    this.chunked = false;
    this.connectionClose = false;
    this.connectionKeepAlive = false;
    this.connectionUpgrade = false;
    this.upgradeHeader = false;
    this.expectContinue = false;
    this.hostCount = 0;
  }
}

// Known field names, compared without allocating. Token bytes OR 0x20 equal a lowercase letter only
// when they are that letter in either case, and `-` only when they are `-`, so the check is exact.
function nameIs(buf: Buffer, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    if ((buf[start + i]! | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

const KIND_OTHER = 0;
const KIND_CONTENT_LENGTH = 1;
const KIND_TRANSFER_ENCODING = 2;
const KIND_CONNECTION = 3;
const KIND_HOST = 4;
const KIND_UPGRADE = 5;
const KIND_EXPECT = 6;

function fieldKind(buf: Buffer, start: number, length: number): number {
  switch (length) {
    case 4: return nameIs(buf, start, 'host') ? KIND_HOST : KIND_OTHER;
    case 6: return nameIs(buf, start, 'expect') ? KIND_EXPECT : KIND_OTHER;
    case 7: return nameIs(buf, start, 'upgrade') ? KIND_UPGRADE : KIND_OTHER;
    case 10: return nameIs(buf, start, 'connection') ? KIND_CONNECTION : KIND_OTHER;
    case 14: return nameIs(buf, start, 'content-length') ? KIND_CONTENT_LENGTH : KIND_OTHER;
    // llhttp reads Proxy-Connection exactly like Connection (close, keep-alive, upgrade); so do we, so
    // that both agree on where a message ends when a client sends it.
    case 16: return nameIs(buf, start, 'proxy-connection') ? KIND_CONNECTION : KIND_OTHER;
    case 17: return nameIs(buf, start, 'transfer-encoding') ? KIND_TRANSFER_ENCODING : KIND_OTHER;
    default: return KIND_OTHER;
  }
}

const isOws = (b: number): boolean => b === SP || b === HTAB;

// The element found by `nextElement`, OWS trimmed. Module-level scratch instead of a callback or a
// tuple so walking a list allocates nothing on the hot path.
let elementStart = 0;
let elementEnd = 0;
let elementRawEnd = 0;

/**
 * Finds the comma-list element (RFC 9110 §5.6.1) that begins at `from` in a value ending at `end`,
 * stores its trimmed bounds in elementStart/elementEnd, and returns where the next one begins
 * (past `end` after the last element). Empty elements are reported as empty ranges.
 */
function nextElement(buf: Buffer, from: number, end: number): number {
  let j = from;
  while (j < end && buf[j] !== 0x2c) j++;
  let s = from;
  let e = j;
  while (s < e && isOws(buf[s]!)) s++;
  while (e > s && isOws(buf[e - 1]!)) e--;
  elementStart = s;
  elementEnd = e;
  elementRawEnd = j;
  return j + 1;
}

// llhttp lets only SP follow a final `chunked` (`chunked\t` is not chunked to it); a TE.TE
// obfuscation must not be read as chunked by one hop and not by the next, so we agree.
function onlySpaces(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== SP) return false;
  return true;
}

function rangeIs(buf: Buffer, s: number, e: number, lower: string): boolean {
  return e - s === lower.length && nameIs(buf, s, lower);
}

/**
 * Parses the field line `buf[start, end)` (CRLF excluded), appends `[name, value]` to `pairs` and
 * records framing facts. `trailer` refuses the fields a trailer section may not carry; `text`
 * decodes the strings. This is the fast path: when anything is off, `check` names the error.
 */
export function parseFieldLine(
  buf: Buffer, start: number, end: number, pairs: string[], facts: FieldFacts, trailer: boolean, text: HeadText, check: LineCheck,
): FieldError | null {
  let colon = start;
  while (colon < end && tokenChars[buf[colon]!] === 1) colon++;
  if (colon === start || colon === end || buf[colon] !== COLON) {
    return check.lineError(trailer ? 'trailer-line' : 'field-line', buf, start, end, facts);
  }
  let vs = colon + 1;
  let ve = end;
  while (vs < ve && isOws(buf[vs]!)) vs++;
  while (ve > vs && isOws(buf[ve - 1]!)) ve--;
  for (let i = vs; i < ve; i++) {
    if (fieldValueChars[buf[i]!] !== 1) return check.lineError(trailer ? 'trailer-line' : 'field-line', buf, start, end, facts);
  }
  const kind = fieldKind(buf, start, colon - start);
  if (kind !== KIND_OTHER) {
    const refused = trailer
      ? kind === KIND_CONTENT_LENGTH || kind === KIND_TRANSFER_ENCODING
      : !recordFact(kind, buf, vs, ve, end, facts);
    if (refused) return check.lineError(trailer ? 'trailer-line' : 'field-line', buf, start, end, facts);
  }
  pairs.push(text.slice(buf, start, colon), text.slice(buf, vs, ve));
  return null;
}

/**
 * Records what a known field says about framing and the connection; false when LineCheck refuses
 * the line (facts are then left as they were). `[vs, ve)` is the trimmed value, `rawEnd` where
 * the line's content ends (trailing OWS included: llhttp lets only SP follow a final `chunked`).
 */
function recordFact(kind: number, buf: Buffer, vs: number, ve: number, rawEnd: number, facts: FieldFacts): boolean {
  switch (kind) {
    case KIND_CONTENT_LENGTH: {
      if (facts.contentLength !== -1 || facts.transferEncoding || vs === ve) return false;
      let n = 0;
      for (let i = vs; i < ve; i++) {
        const d = buf[i]! - 0x30;
        if (d < 0 || d > 9 || n > (MAX_SAFE - d) / 10) return false;
        n = n * 10 + d;
      }
      facts.contentLength = n;
      return true;
    }
    case KIND_TRANSFER_ENCODING: {
      // Exactly one `chunked`, after any number of empty elements, followed by SP only.
      if (facts.contentLength !== -1 || facts.chunked) return false;
      let chunked = false;
      for (let i = vs; i <= rawEnd;) {
        i = nextElement(buf, i, rawEnd);
        if (elementStart === elementEnd) {
          if (chunked) return false;
        } else if (!chunked && rangeIs(buf, elementStart, elementEnd, 'chunked') && onlySpaces(buf, elementEnd, elementRawEnd)) {
          chunked = true;
        } else {
          return false;
        }
      }
      if (!chunked) return false;
      facts.transferEncoding = true;
      facts.chunked = true;
      return true;
    }
    case KIND_CONNECTION:
      for (let i = vs; i <= ve;) {
        i = nextElement(buf, i, ve);
        if (rangeIs(buf, elementStart, elementEnd, 'close')) facts.connectionClose = true;
        else if (rangeIs(buf, elementStart, elementEnd, 'keep-alive')) facts.connectionKeepAlive = true;
        else if (rangeIs(buf, elementStart, elementEnd, 'upgrade')) facts.connectionUpgrade = true;
      }
      return true;
    case KIND_HOST:
      facts.hostCount++;
      return true;
    case KIND_UPGRADE:
      if (ve > vs) facts.upgradeHeader = true;
      return true;
    case KIND_EXPECT:
      for (let i = vs; i <= ve;) {
        i = nextElement(buf, i, ve);
        if (rangeIs(buf, elementStart, elementEnd, '100-continue')) facts.expectContinue = true;
      }
      return true;
    default:
      return true;
  }
}
