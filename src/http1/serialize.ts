// Writing HTTP/1.1 heads and chunk framing. Every name, value, method, target and reason is checked
// before it is written, so nothing that reaches the wire can split a message (no CR, LF or NUL
// smuggled in from configuration or a middleware): the serializer is the last line of defence.
import { fieldValueChars, targetChars, tokenChars } from './char-tables.ts';

/** Thrown for input that must never be written; `code` is stable for callers that map it. */
export class Http1SerializeError extends Error {
  readonly code: 'INVALID_FIELD_NAME' | 'INVALID_FIELD_VALUE' | 'INVALID_METHOD' | 'INVALID_TARGET' | 'INVALID_STATUS' | 'INVALID_REASON' | 'INVALID_CHUNK_SIZE';

  constructor(code: Http1SerializeError['code'], message: string) {
    super(message);
    this.name = 'Http1SerializeError';
    this.code = code;
  }
}

function allIn(table: Uint8Array, text: string, allowEmpty: boolean): boolean {
  if (text.length === 0) return allowEmpty;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || table[c] !== 1) return false;
  }
  return true;
}

/** `name: value` CRLF for each pair, after checking each name is a token and each value legal field bytes. */
function fieldLines(headers: readonly string[]): string {
  if (headers.length % 2 !== 0) throw new TypeError('headers must be [name, value, …] pairs');
  let out = '';
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    const value = headers[i + 1]!;
    if (!allIn(tokenChars, name, false)) {
      throw new Http1SerializeError('INVALID_FIELD_NAME', `field name ${JSON.stringify(name)} is not a token`);
    }
    if (!allIn(fieldValueChars, value, true)) {
      throw new Http1SerializeError('INVALID_FIELD_VALUE', `the value of ${name} contains CR, LF, NUL, another control byte or a char above 0xff`);
    }
    out += `${name}: ${value}\r\n`;
  }
  return out;
}

/**
 * `HTTP/1.x status reason` + field lines + the empty line. `status` is 100–999; the reason may be
 * empty (the line then ends in `status SP`, which every parser accepts).
 */
export function serializeResponseHead(status: number, reason: string, headers: readonly string[], versionMinor: 0 | 1 = 1): Buffer {
  if (!Number.isInteger(status) || status < 100 || status > 999) {
    throw new Http1SerializeError('INVALID_STATUS', `status ${status} is not a 3-digit code from 100`);
  }
  if (!allIn(fieldValueChars, reason, true)) {
    throw new Http1SerializeError('INVALID_REASON', 'the reason phrase contains a control byte or a char above 0xff');
  }
  return Buffer.from(`HTTP/1.${versionMinor} ${status} ${reason}\r\n${fieldLines(headers)}\r\n`, 'latin1');
}

/** `method target HTTP/1.1` + field lines + the empty line. */
export function serializeRequestHead(method: string, target: string, headers: readonly string[]): Buffer {
  if (!allIn(tokenChars, method, false)) throw new Http1SerializeError('INVALID_METHOD', `method ${JSON.stringify(method)} is not a token`);
  if (!allIn(targetChars, target, false)) {
    throw new Http1SerializeError('INVALID_TARGET', 'the request-target is empty or contains SP, a control byte or non-ASCII');
  }
  return Buffer.from(`${method} ${target} HTTP/1.1\r\n${fieldLines(headers)}\r\n`, 'latin1');
}

/** Field lines only (each ending in CRLF, no empty line): to splice after raw head bytes kept as received. */
export function serializeFieldLines(headers: readonly string[]): Buffer {
  return Buffer.from(fieldLines(headers), 'latin1');
}

/** CRLF: ends chunk data, and a head when field lines were spliced. */
export const CRLF: Buffer = Buffer.from('\r\n', 'latin1');

/** The size line before `size` bytes of chunk data (`size` ≥ 1; 0 is `lastChunk`). Follow the data with `CRLF`. */
export function chunkHeader(size: number): Buffer {
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new Http1SerializeError('INVALID_CHUNK_SIZE', `chunk size ${size} is not a positive integer (use lastChunk for 0)`);
  }
  return Buffer.from(`${size.toString(16)}\r\n`, 'latin1');
}

/** One complete chunk as the buffers to write in order (no copy of `data`); empty data yields nothing. */
export function frameChunk(data: Buffer): Buffer[] {
  return data.length === 0 ? [] : [chunkHeader(data.length), data, CRLF];
}

const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

/** The last chunk, the trailer fields (raw pairs) and the final CRLF. */
export function lastChunk(trailers: readonly string[] = []): Buffer {
  return trailers.length === 0 ? LAST_CHUNK : Buffer.from(`0\r\n${fieldLines(trailers)}\r\n`, 'latin1');
}
