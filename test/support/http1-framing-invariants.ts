/**
 * Test support: framing facts every message Switchyard's request parser accepts must satisfy,
 * checked against the input bytes with a small strict RFC 9112 reference reader — independent of
 * llhttp, so a bug both parsers share still fails. The point is request smuggling: an accepted head
 * must have exactly one reading of where its body ends.
 */
import type { SwitchyardRequestRun } from './http1-differential.ts';

const CR = 0x0d;
const LF = 0x0a;

/** Token characters (RFC 9110 §5.6.2). */
function isTchar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    '!#$%&\'*+-.^_`|~'.includes(String.fromCharCode(c));
}

function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i += 1) if (!isTchar(s.charCodeAt(i))) return false;
  return true;
}

/** field-value characters: VCHAR, obs-text, SP, HTAB (RFC 9110 §5.5). */
function isFieldValueByte(c: number): boolean {
  return c === 0x09 || (c >= 0x20 && c !== 0x7f);
}

/** Reads `name: value` lines up to the empty line; null when a line breaks RFC 9112 §5. */
function readFieldLines(text: string): string[] | null {
  const pairs: string[] = [];
  if (text === '') return pairs;
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const name = line.slice(0, colon);
    if (!isToken(name)) return null;
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    for (let i = 0; i < value.length; i += 1) if (!isFieldValueByte(value.charCodeAt(i))) return null;
    pairs.push(name, value);
  }
  return pairs;
}

interface ChunkedReading {
  readonly body: Buffer;
  readonly trailers: string[];
  /** Offset just after the final CRLF. */
  readonly end: number;
}

/** Strict RFC 9112 §7.1 chunked reader from `start`; null when malformed or incomplete. */
export function readChunkedBody(input: Buffer, start: number): ChunkedReading | null {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = input.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return null;
    const line = input.subarray(at, lineEnd).toString('latin1');
    const semi = line.indexOf(';');
    const sizeText = semi < 0 ? line : line.slice(0, semi);
    // Leading zeros are fine; what remains must fit a JavaScript number exactly (13 hex digits < 2^53).
    if (!/^0*[0-9a-fA-F]{1,13}$/.test(sizeText)) return null;
    const ext = semi < 0 ? '' : line.slice(semi);
    for (let i = 0; i < ext.length; i += 1) if (!isFieldValueByte(ext.charCodeAt(i))) return null;
    const size = Number.parseInt(sizeText, 16);
    at = lineEnd + 2;
    if (size === 0) break;
    if (at + size + 2 > input.length) return null;
    parts.push(input.subarray(at, at + size));
    at += size;
    if (input[at] !== CR || input[at + 1] !== LF) return null;
    at += 2;
  }
  const trailerEnd = input.indexOf('\r\n\r\n', at - 2, 'latin1');
  if (trailerEnd < 0) return null;
  const trailers = trailerEnd < at ? [] : readFieldLines(input.subarray(at, trailerEnd).toString('latin1'));
  if (trailers === null) return null;
  return { body: Buffer.concat(parts), trailers, end: Math.max(trailerEnd + 4, at + 2) };
}

function fieldValues(pairs: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i]!.toLowerCase() === name) values.push(pairs[i + 1]!);
  return values;
}

/**
 * Every framing fact Switchyard's run breaks, as readable sentences (empty when it is sound).
 * `input` is the whole byte stream the run was fed.
 */
export function framingViolations(input: Buffer, run: SwitchyardRequestRun): string[] {
  const problems: string[] = [];
  const { messages, end } = run.observation;
  let at = 0;
  for (let i = 0; i < run.heads.length; i += 1) {
    const head = run.heads[i]!;
    const m = messages[i]!;
    const where = `message #${i}`;
    // RFC 9112 §2.2: a server SHOULD ignore at least one empty line received before the request-line.
    while (input[at] === CR || input[at] === LF) at += 1;
    if (!input.subarray(at, at + head.rawHead.length).equals(head.rawHead)) {
      problems.push(`${where}: rawHead is not the bytes at offset ${at} of the input`);
      return problems;
    }
    at += head.rawHead.length;
    const raw = head.rawHead.toString('latin1');
    if (!raw.endsWith('\r\n\r\n')) problems.push(`${where}: rawHead does not end with CRLF CRLF`);
    if (/\r(?!\n)|(?<!\r)\n/.test(raw)) problems.push(`${where}: rawHead holds a bare CR or bare LF`);
    const firstLineEnd = raw.indexOf('\r\n');
    const requestLine = raw.slice(0, firstLineEnd);
    if (requestLine !== `${head.method} ${head.target} HTTP/1.${head.versionMinor}`) {
      problems.push(`${where}: request line ${JSON.stringify(requestLine)} does not match the reported method, target, version`);
    }
    if (!isToken(head.method)) problems.push(`${where}: method is not a token`);
    if (!/^[\x21-\x7e]+$/.test(head.target)) problems.push(`${where}: target holds a byte outside VCHAR`);
    const fields = readFieldLines(raw.slice(firstLineEnd + 2, raw.length - 4));
    if (fields === null) problems.push(`${where}: a field line breaks RFC 9112 §5 (obs-fold, whitespace before the colon, bad byte)`);
    else if (fields.join('\0') !== head.headers.join('\0')) problems.push(`${where}: reported header pairs differ from the head bytes`);

    const lengths = fieldValues(head.headers, 'content-length');
    const codings = fieldValues(head.headers, 'transfer-encoding');
    const hosts = fieldValues(head.headers, 'host');
    if (lengths.length > 0 && codings.length > 0) problems.push(`${where}: accepted with both Content-Length and Transfer-Encoding`);
    if (lengths.length > 1) problems.push(`${where}: accepted with ${lengths.length} Content-Length fields`);
    if (lengths.length === 1 && !/^[0-9]+$/.test(lengths[0]!)) problems.push(`${where}: accepted Content-Length ${JSON.stringify(lengths[0])}`);
    if (head.versionMinor === 1 && hosts.length !== 1) problems.push(`${where}: HTTP/1.1 request accepted with ${hosts.length} Host fields`);
    if (codings.length > 0) {
      const last = codings.join(',').split(',').map((t) => t.trim().toLowerCase()).at(-1);
      if (last !== 'chunked') problems.push(`${where}: accepted Transfer-Encoding whose final coding is not chunked`);
      if (head.body !== 'chunked' && !head.upgrade) problems.push(`${where}: Transfer-Encoding present but body is ${head.body}`);
    } else if (lengths.length === 1) {
      if (head.body !== 'length' && !head.upgrade) problems.push(`${where}: Content-Length present but body is ${head.body}`);
      if (head.body === 'length' && head.contentLength !== Number(lengths[0])) problems.push(`${where}: contentLength ${head.contentLength} vs field ${lengths[0]}`);
    } else if (head.body !== 'none') {
      problems.push(`${where}: no framing field but body is ${head.body}`);
    }

    if (head.upgrade) {
      if (i !== run.heads.length - 1) problems.push(`${where}: upgrade head followed by more messages`);
      if (end.kind === 'upgraded' && !end.rest.equals(input.subarray(at))) problems.push(`${where}: bytes after the upgrade head differ`);
      return problems;
    }
    if (!m.complete) {
      if (i !== run.heads.length - 1) problems.push(`${where}: incomplete message followed by more messages`);
      return problems;
    }
    switch (head.body) {
      case 'none':
        if (m.body.length > 0) problems.push(`${where}: body bytes without framing`);
        break;
      case 'length': {
        const expected = input.subarray(at, at + head.contentLength);
        if (!m.body.equals(expected) || expected.length !== head.contentLength) problems.push(`${where}: body is not the next Content-Length bytes`);
        at += head.contentLength;
        break;
      }
      case 'chunked': {
        const reading = readChunkedBody(input, at);
        if (reading === null) {
          problems.push(`${where}: completed a chunked body the strict reference reader refuses`);
          return problems;
        }
        if (!reading.body.equals(m.body)) problems.push(`${where}: chunked body differs from the reference reading`);
        if (reading.trailers.join('\0') !== m.trailers.join('\0')) problems.push(`${where}: trailers differ from the reference reading`);
        at = reading.end;
        break;
      }
      default: {
        const never: never = head.body;
        throw new Error(`unknown body kind ${String(never)}`);
      }
    }
  }
  if (end.kind === 'clean') {
    while (input[at] === CR || input[at] === LF) at += 1;
    if (at !== input.length) problems.push(`clean end with ${input.length - at} unexplained bytes at offset ${at}`);
  }
  return problems;
}
