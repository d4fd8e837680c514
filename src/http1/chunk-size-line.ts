// The size line of a chunk (RFC 9112 §7.1): hex size, extensions, CRLF, read byte by byte across
// inputs without buffering. Extensions follow llhttp's exact grammar: `;name` or `;name=value`,
// token names, token or quoted-string values, no whitespace anywhere.
import type { FieldError } from './field-lines.ts';
import { CR, LF, hexValues, quotedPairChars, quotedTextChars, tokenChars } from './char-tables.ts';

const SIZE_START = 0;
const SIZE = 1;
const EXT_AFTER_SEMI = 2;
const EXT_NAME = 3;
const EXT_VALUE = 4;
const EXT_QUOTED = 5;
const EXT_QUOTED_PAIR = 6;
const EXT_AFTER_QUOTE = 7;
const SIZE_LF = 8;

const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
// A size at or above 2^49 cannot take another hex digit without passing 2^53 - 1.
const SIZE_GUARD = 2 ** 49;

/** Reads one chunk size line at a time; `reset` before each. */
export class ChunkSizeLine {
  /** The size of the line read last. */
  size = 0;
  /** Why the line was refused, after `read` returned -2. */
  error: FieldError | null = null;
  private readonly maxExtensionBytes: number;
  private state = SIZE_START;
  private extensionBytes = 0;

  constructor(maxExtensionBytes: number) {
    this.maxExtensionBytes = maxExtensionBytes;
  }

  reset(): void {
    this.state = SIZE_START;
    this.size = 0;
    this.extensionBytes = 0;
  }

  /** Reads `buf[from, end)`: the index after the line's LF once complete, -1 for more bytes, -2 refused. */
  read(buf: Buffer, from: number, end: number): number {
    let state = this.state;
    for (let pos = from; pos < end; pos++) {
      const b = buf[pos]!;
      switch (state) {
        case SIZE_START: {
          const v = hexValues[b]!;
          if (v < 0) return this.refuse('BAD_CHUNK_SIZE', 'a chunk size line does not start with a hex digit');
          this.size = v;
          state = SIZE;
          break;
        }
        case SIZE: {
          const v = hexValues[b]!;
          if (v >= 0) {
            // Leading zeros are fine (llhttp counts value, not digits); the value must fit 2^53 - 1.
            if (this.size >= SIZE_GUARD) return this.refuse('CHUNK_SIZE_OVERFLOW', 'chunk size above 2^53-1');
            this.size = this.size * 16 + v;
          } else if (b === CR) {
            state = SIZE_LF;
          } else if (b === SEMICOLON) {
            this.extensionBytes = 1;
            state = EXT_AFTER_SEMI;
          } else if (b === LF) {
            return this.refuse('BARE_LF', 'a chunk size line ends in LF without CR');
          } else {
            return this.refuse('BAD_CHUNK_SIZE', `byte 0x${b.toString(16)} in a chunk size`);
          }
          break;
        }
        case SIZE_LF:
          if (b !== LF) return this.refuse('BAD_CHUNK_SIZE', 'CR not followed by LF after a chunk size');
          this.state = SIZE_START;
          return pos + 1;
        default: {
          if (b !== CR && ++this.extensionBytes > this.maxExtensionBytes) {
            return this.refuse('BAD_CHUNK_EXTENSION', `chunk extensions above ${this.maxExtensionBytes} bytes`);
          }
          const next = extensionStep(state, b);
          if (next < 0) {
            return b === LF && (state === EXT_NAME || state === EXT_VALUE || state === EXT_AFTER_QUOTE)
              ? this.refuse('BARE_LF', 'a chunk size line ends in LF without CR')
              : this.refuse('BAD_CHUNK_EXTENSION', `byte 0x${b.toString(16)} in a chunk extension`);
          }
          state = next;
          break;
        }
      }
    }
    this.state = state;
    return -1;
  }

  private refuse(code: FieldError['code'], message: string): number {
    this.error = { code, message };
    return -2;
  }
}

/** One byte of a chunk extension: the next state, or -1 to refuse the byte. */
function extensionStep(state: number, b: number): number {
  switch (state) {
    case EXT_AFTER_SEMI:
      // Right after `;` llhttp accepts a token byte, `;` or `=` (an empty name), never CR or SP.
      if (tokenChars[b] === 1) return EXT_NAME;
      if (b === SEMICOLON) return EXT_AFTER_SEMI;
      if (b === EQUALS) return EXT_VALUE;
      return -1;
    case EXT_NAME:
      if (tokenChars[b] === 1) return EXT_NAME;
      if (b === EQUALS) return EXT_VALUE;
      if (b === SEMICOLON) return EXT_AFTER_SEMI;
      if (b === CR) return SIZE_LF;
      return -1;
    case EXT_VALUE:
      // A quote anywhere in a token value starts a quoted string, as in llhttp.
      if (tokenChars[b] === 1) return EXT_VALUE;
      if (b === DQUOTE) return EXT_QUOTED;
      if (b === SEMICOLON) return EXT_AFTER_SEMI;
      if (b === CR) return SIZE_LF;
      return -1;
    case EXT_QUOTED:
      if (b === DQUOTE) return EXT_AFTER_QUOTE;
      if (b === BACKSLASH) return EXT_QUOTED_PAIR;
      return quotedTextChars[b] === 1 ? EXT_QUOTED : -1;
    case EXT_QUOTED_PAIR:
      return quotedPairChars[b] === 1 ? EXT_QUOTED : -1;
    case EXT_AFTER_QUOTE:
      if (b === SEMICOLON) return EXT_AFTER_SEMI;
      if (b === CR) return SIZE_LF;
      return -1;
    default:
      return -1;
  }
}
