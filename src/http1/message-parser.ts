// The incremental machinery both parsers share: line assembly for heads and trailer sections,
// Content-Length bodies, chunked framing (sizes, extensions, data, CRLFs), pausing at message
// boundaries and the exact raw head bytes. The request and response parsers supply the start line
// and the framing decision.
import type { Http1Limits } from './limits.ts';
import type { ParseErrorCode } from './parse-error-code.ts';
import { FieldFacts, HeadText, parseFieldLine, type FieldError } from './field-lines.ts';
import { CR, LF } from './char-tables.ts';
import { ChunkSizeLine } from './chunk-size-line.ts';
import { LineCheck, type LineKind } from './line-check.ts';

/** How the body of a message is delimited once its head is parsed. */
export type BodyFraming = 'none' | 'length' | 'chunked' | 'close';

// Parser states; plain numbers keep the hot switch cheap.
const S_IDLE = 0;
const S_HEAD = 1;
const S_BODY_LENGTH = 2;
const S_CHUNK_SIZE = 3;
const S_CHUNK_DATA = 4;
const S_CHUNK_DATA_CR = 5;
const S_CHUNK_DATA_LF = 6;
const S_TRAILERS = 15;
const S_BODY_CLOSE = 16;
const S_UPGRADED = 17;
const S_DEAD = 18;
// After a message that does not keep the connection: only CR/LF may follow (llhttp's "closed").
const S_CLOSED = 19;

const EMPTY = Buffer.alloc(0);
const END_OF_HEAD = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Base of the request and response parsers. Subclasses parse the start line, decide the framing
 * when the head is complete (calling `beginBody`) and deliver events; this class does the rest.
 */
export abstract class MessageParser {
  protected readonly limits: Http1Limits;
  protected readonly facts = new FieldFacts();
  /** Field pairs of the head being parsed (a fresh array per head: it is handed to the caller). */
  protected pairs: string[] = [];
  /** The exact head bytes, valid once the head is complete. */
  protected rawHead: Buffer = EMPTY;
  /** Decodes names and values; subclasses decode their start line with it too. */
  protected readonly text = new HeadText();
  /** Set by the subclass when the message in progress ends in a protocol switch. */
  protected upgradeAfterMessage = false;
  /** Set by the subclass when the connection does not persist after the message in progress. */
  protected closeAfterMessage = false;

  private state = S_IDLE;
  private readonly check = new LineCheck();
  private errorCode: ParseErrorCode | null = null;
  private pauseRequested = false;
  private executing = false;
  // Line assembly across input chunks: copies of the partial line, and of head bytes already seen.
  private linePieces: Buffer[] = [];
  private lineBytes = 0;
  private headPieces: Buffer[] = [];
  private headChunkStart = 0;
  private sectionBytes = 0;
  private fieldCount = 0;
  private startLineDone = false;
  private trailerPairs: string[] = [];
  private remaining = 0;
  private readonly sizeLine: ChunkSizeLine;

  constructor(limits: Http1Limits) {
    this.limits = limits;
    this.sizeLine = new ChunkSizeLine(limits.maxChunkExtensionBytes);
  }

  /** The grammar of the start line, for refusing a partial one early. */
  protected abstract readonly startLineKind: LineKind;
  /** Parses the start line `buf[start, end)` (CRLF excluded), anomalies go to `startLineError` (LineCheck names them). */
  protected abstract parseStartLine(buf: Buffer, start: number, end: number): FieldError | null;
  /** The head is complete (`rawHead`, `pairs`, `facts` are set): report it and call `beginBody`. */
  protected abstract headComplete(): void;
  /** A message is about to start at a non-CRLF byte; return an error to refuse it. */
  protected abstract messageStarting(): FieldError | null;
  protected abstract emitBody(chunk: Buffer): void;
  protected abstract emitTrailers(pairs: string[]): void;
  protected abstract emitMessageComplete(): void;
  protected abstract emitError(code: ParseErrorCode, message: string): void;

  get paused(): boolean {
    return this.pauseRequested;
  }

  get upgraded(): boolean {
    return this.state === S_UPGRADED;
  }

  /** Whether some bytes of a message (not just separating CRLFs) have been consumed and it is not complete. */
  get messageInProgress(): boolean {
    const state = this.state;
    return state !== S_IDLE && state !== S_CLOSED && state !== S_UPGRADED && state !== S_DEAD;
  }

  pause(): void {
    this.pauseRequested = true;
  }

  resume(): void {
    this.pauseRequested = false;
  }

  execute(chunk: Buffer): number {
    if (this.executing) throw new Error('http1 parser: execute() called from one of its own callbacks');
    if (this.state === S_DEAD || this.state === S_UPGRADED) return 0;
    if (this.pauseRequested && (this.state === S_IDLE || this.state === S_CLOSED)) return 0;
    this.executing = true;
    try {
      return this.run(chunk);
    } finally {
      this.executing = false;
    }
  }

  finish(): ParseErrorCode | 'TRUNCATED' | null {
    if (this.errorCode !== null) return this.errorCode;
    switch (this.state) {
      case S_IDLE:
      case S_CLOSED:
      case S_UPGRADED:
        return null;
      case S_BODY_CLOSE:
        // A close-delimited body ends exactly here (RFC 9112 §6.3 rule 8).
        this.completeMessage();
        return null;
      default:
        this.state = S_DEAD;
        this.errorCode = null;
        return 'TRUNCATED';
    }
  }

  /** Refuses the message: the parser is dead afterwards. */
  protected fail(code: ParseErrorCode, message: string): void {
    if (this.state === S_DEAD) return;
    this.state = S_DEAD;
    this.errorCode = code;
    this.emitError(code, message);
  }

  /** Starts the body the subclass decided on; `none` completes the message at once. */
  protected beginBody(framing: BodyFraming, contentLength: number): void {
    switch (framing) {
      case 'none':
        this.completeMessage();
        return;
      case 'length':
        if (contentLength === 0) {
          this.completeMessage();
        } else {
          this.remaining = contentLength;
          this.state = S_BODY_LENGTH;
        }
        return;
      case 'chunked':
        this.sizeLine.reset();
        this.state = S_CHUNK_SIZE;
        return;
      case 'close':
        this.state = S_BODY_CLOSE;
        return;
      default: {
        const unreachable: never = framing;
        throw new Error(`unknown framing ${String(unreachable)}`);
      }
    }
  }

  /**
   * Drops the head just parsed and waits for another head of the same message (1xx responses);
   * `closes`: that head did not keep the connection, so nothing but CR/LF may follow (like llhttp).
   */
  protected expectAnotherHead(closes: boolean): void {
    this.resetMessage();
    this.state = closes ? S_CLOSED : S_IDLE;
  }

  private resetMessage(): void {
    this.facts.reset();
    this.pairs = [];
    this.rawHead = EMPTY;
    this.headPieces = [];
    this.startLineDone = false;
    this.upgradeAfterMessage = false;
    this.closeAfterMessage = false;
  }

  private completeMessage(): void {
    const next = this.upgradeAfterMessage ? S_UPGRADED : this.closeAfterMessage ? S_CLOSED : S_IDLE;
    this.resetMessage();
    this.state = next;
    this.emitMessageComplete();
  }

  private run(chunk: Buffer): number {
    const len = chunk.length;
    let pos = 0;
    while (pos < len) {
      switch (this.state) {
        case S_CLOSED: {
          // RFC 9112 §9.6: no request is read after one that closes the connection; llhttp refuses
          // anything but CR/LF here too.
          let b = chunk[pos];
          while (b === CR || b === LF) {
            if (++pos === len) return len;
            b = chunk[pos];
          }
          this.fail('DATA_AFTER_CLOSE', 'bytes after a message that closes the connection');
          return pos;
        }
        case S_IDLE: {
          // Like llhttp, CR and LF bytes before a message are skipped (RFC 9112 §2.2 asks servers
          // to ignore at least one empty line before a request-line).
          let b = chunk[pos];
          while (b === CR || b === LF) {
            if (++pos === len) return len;
            b = chunk[pos];
          }
          const refused = this.messageStarting();
          if (refused !== null) {
            this.fail(refused.code, refused.message);
            return pos;
          }
          this.state = S_HEAD;
          this.headChunkStart = pos;
          this.sectionBytes = 0;
          this.fieldCount = 0;
          break;
        }
        case S_HEAD:
        case S_TRAILERS:
          pos = this.readLines(chunk, pos);
          break;
        case S_BODY_LENGTH:
        case S_CHUNK_DATA: {
          const n = Math.min(this.remaining, len - pos);
          const end = pos + n;
          const isLength = this.state === S_BODY_LENGTH;
          this.remaining -= n;
          if (this.remaining === 0 && !isLength) this.state = S_CHUNK_DATA_CR;
          this.emitBody(chunk.subarray(pos, end));
          pos = end;
          if (this.remaining === 0 && isLength) this.completeMessage();
          break;
        }
        case S_BODY_CLOSE:
          this.emitBody(pos === 0 ? chunk : chunk.subarray(pos));
          pos = len;
          break;
        case S_UPGRADED:
        case S_DEAD:
          return pos;
        default:
          pos = this.readChunkFraming(chunk, pos);
          break;
      }
      if (this.state === S_DEAD || this.state === S_UPGRADED) return pos;
      if (this.pauseRequested && (this.state === S_IDLE || this.state === S_CLOSED)) return pos;
    }
    return pos;
  }

  /** Line-oriented states: the head and the trailer section. Returns the new position. */
  private readLines(chunk: Buffer, from: number): number {
    const len = chunk.length;
    const limits = this.limits;
    const inHead = this.state === S_HEAD;
    let pos = from;
    let covered = !inHead;
    for (;;) {
      const nl = chunk.indexOf(LF, pos);
      const lineEnd = nl === -1 ? len : nl + 1;
      if (this.crossesLimit(inHead, chunk, pos, nl === -1 ? len : nl, lineEnd)) return pos;
      const taken = lineEnd - pos;
      if (nl === -1) {
        // The line continues in a later input: keep a copy, and refuse it now if no ending can save it.
        if (taken > 0) {
          if (this.lineBytes === 0) this.startLineCheck(inHead);
          const refused = this.check.push(chunk, pos, len);
          if (refused !== null) {
            this.text.clear();
            this.fail(refused.code, refused.message);
            return pos;
          }
          this.lineBytes += taken;
          this.sectionBytes += taken;
          this.linePieces.push(Buffer.from(chunk.subarray(pos)));
        }
        if (inHead) {
          if (pos > this.headChunkStart) this.headPieces.push(Buffer.from(chunk.subarray(this.headChunkStart, pos)));
          this.headChunkStart = 0;
          this.text.clear();
        }
        return len;
      }
      this.sectionBytes += taken;
      let buf: Buffer;
      let start: number;
      let lf: number;
      if (this.linePieces.length > 0) {
        this.linePieces.push(chunk.subarray(pos, lineEnd));
        buf = Buffer.concat(this.linePieces, this.lineBytes + taken);
        this.linePieces = [];
        start = 0;
        lf = buf.length - 1;
        if (inHead) {
          this.headPieces.push(buf);
          this.headChunkStart = lineEnd;
        }
      } else {
        buf = chunk;
        start = pos;
        lf = nl;
        if (!covered) {
          covered = true;
          this.coverHead(chunk, pos);
        }
      }
      this.lineBytes = 0;
      pos = lineEnd;
      if (lf === start || buf[lf - 1] !== CR) {
        this.text.clear();
        this.fail('BARE_LF', 'a line ends in LF without CR');
        return pos;
      }
      const end = lf - 1;
      let error: FieldError | null;
      if (inHead && !this.startLineDone) {
        this.startLineDone = true;
        error = this.parseStartLine(buf, start, end);
      } else if (end === start) {
        if (inHead) this.endHead(chunk, pos);
        else this.endTrailers();
        return pos;
      } else if (++this.fieldCount > limits.maxHeaderCount) {
        error = { code: 'TOO_MANY_HEADERS', message: `more than ${limits.maxHeaderCount} field lines` };
      } else {
        error = parseFieldLine(buf, start, end, inHead ? this.pairs : this.trailerPairs, this.facts, !inHead, this.text, this.check);
      }
      if (error !== null) {
        this.text.clear();
        this.fail(error.code, error.message);
        return pos;
      }
    }
  }

  /**
   * Decodes the head lines of `chunk` from `pos` at once (see HeadText): up to the end of the head
   * when it is in this input (the common case), else up to the last complete line.
   */
  private coverHead(chunk: Buffer, pos: number): void {
    const limit = this.limits.maxHeaderBytes;
    const endOfHead = chunk.indexOf(END_OF_HEAD, pos);
    if (endOfHead !== -1) {
      if (endOfHead - pos < limit) this.text.cover(chunk, pos, endOfHead + 4);
      return;
    }
    const lastLf = chunk.lastIndexOf(LF);
    if (lastLf > pos && lastLf - pos < limit) this.text.cover(chunk, pos, lastLf + 1);
  }

  private startLineCheck(inHead: boolean): void {
    const kind = !inHead ? 'trailer-line' : this.startLineDone ? 'field-line' : this.startLineKind;
    this.check.start(kind, this.fieldCount + 1 > this.limits.maxHeaderCount, kind === 'field-line' ? this.facts : null);
  }

  /**
   * Whether a size limit is crossed by the bytes `[pos, lineEnd)` of the current line (`contentEnd`:
   * where its LF is, or the end of the input). If so the parser fails: with the error the line's own
   * bytes before the crossing already prove, else with the limit's error, so the outcome does not
   * depend on how the input was split.
   */
  private crossesLimit(inHead: boolean, chunk: Buffer, pos: number, contentEnd: number, lineEnd: number): boolean {
    const limits = this.limits;
    const sectionRoom = limits.maxHeaderBytes - this.sectionBytes;
    const sectionCross = lineEnd - pos > sectionRoom ? pos + sectionRoom : -1;
    let lineCross = -1;
    if (inHead && !this.startLineDone) {
      // The start line may use maxRequestLineBytes plus its CR.
      const lineRoom = limits.maxRequestLineBytes + 1 - this.lineBytes;
      if (contentEnd - pos > lineRoom) lineCross = pos + lineRoom;
    }
    if (sectionCross === -1 && lineCross === -1) return false;
    const cross = lineCross !== -1 && (sectionCross === -1 || lineCross <= sectionCross) ? lineCross : sectionCross;
    if (this.lineBytes === 0) this.startLineCheck(inHead);
    const refused = this.check.push(chunk, pos, cross);
    this.text.clear();
    if (refused !== null) this.fail(refused.code, refused.message);
    else if (cross === lineCross) this.failStartLineTooLong();
    else this.fail('HEAD_TOO_LARGE', `${inHead ? 'head' : 'trailer section'} above ${limits.maxHeaderBytes} bytes`);
    return true;
  }

  /** The error of a start line the subclass's fast path refused (see LineCheck). */
  protected startLineError(buf: Buffer, start: number, end: number): FieldError {
    return this.check.lineError(this.startLineKind, buf, start, end, null);
  }

  /** The start line is over `maxRequestLineBytes`; subclasses name the error. */
  protected failStartLineTooLong(): void {
    this.fail('REQUEST_LINE_TOO_LONG', `start line above ${this.limits.maxRequestLineBytes} bytes`);
  }

  private endHead(chunk: Buffer, pos: number): void {
    this.text.clear();
    if (this.headPieces.length === 0) {
      this.rawHead = chunk.subarray(this.headChunkStart, pos);
    } else {
      if (pos > this.headChunkStart) this.headPieces.push(chunk.subarray(this.headChunkStart, pos));
      this.rawHead = Buffer.concat(this.headPieces);
      this.headPieces = [];
    }
    this.headComplete();
  }

  private endTrailers(): void {
    const pairs = this.trailerPairs;
    if (pairs.length > 0) {
      this.trailerPairs = [];
      this.emitTrailers(pairs);
    }
    if (this.state === S_TRAILERS) this.completeMessage();
  }

  /** Chunked framing between data: size lines and the CRLF after each chunk's data. Returns the new position. */
  private readChunkFraming(chunk: Buffer, from: number): number {
    const len = chunk.length;
    let pos = from;
    while (pos < len) {
      switch (this.state) {
        case S_CHUNK_SIZE: {
          const next = this.sizeLine.read(chunk, pos, len);
          if (next === -1) return len;
          if (next === -2) {
            const refused = this.sizeLine.error!;
            return this.failAt(pos, refused.code, refused.message);
          }
          const size = this.sizeLine.size;
          if (size === 0) {
            this.state = S_TRAILERS;
            this.sectionBytes = 0;
            this.fieldCount = 0;
          } else {
            this.remaining = size;
            this.state = S_CHUNK_DATA;
          }
          return next;
        }
        case S_CHUNK_DATA_CR: {
          const b = chunk[pos++];
          if (b === CR) this.state = S_CHUNK_DATA_LF;
          else if (b === LF) return this.failAt(pos, 'BARE_LF', 'chunk data ends in LF without CR');
          else return this.failAt(pos, 'BAD_CHUNK_TERMINATOR', 'chunk data is not followed by CRLF');
          break;
        }
        case S_CHUNK_DATA_LF:
          if (chunk[pos++] !== LF) return this.failAt(pos, 'BAD_CHUNK_TERMINATOR', 'chunk data is not followed by CRLF');
          this.sizeLine.reset();
          this.state = S_CHUNK_SIZE;
          break;
        default:
          return pos;
      }
    }
    return pos;
  }

  private failAt(pos: number, code: ParseErrorCode, message: string): number {
    this.fail(code, message);
    return pos;
  }
}
