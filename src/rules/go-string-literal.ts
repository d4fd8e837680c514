/**
 * Decoding of Go string literals as they appear in rules (Traefik hands the rule to Go's parser
 * and `strconv.Unquote`s each argument).
 */
import type { RuleProblem } from './rule-error.ts';

/** A decoded literal, or the problem with its absolute offset in the rule. */
export type DecodeResult = { ok: true; value: string } | { ok: false; problem: RuleProblem };

/**
 * Decodes the body of a backtick raw string: no escapes, and carriage returns are dropped, as
 * the Go specification says for raw string literals.
 */
export function decodeRawString(body: string): string {
  return body.includes('\r') ? body.replaceAll('\r', '') : body;
}

const simpleEscapes: Readonly<Record<string, number>> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '\\': 92,
  '"': 34,
};

/**
 * Decodes the body of a double-quoted Go string (between the quotes). `bodyOffset` is where the
 * body starts in the rule, for error positions. Escapes: `\a \b \f \n \r \t \v \\ \"`, `\xNN` and
 * 3-digit octal (bytes), `\uNNNN` and `\UNNNNNNNN` (code points). Byte escapes are assembled as
 * UTF-8, so `"\xc3\xa9"` is "é"; bytes that do not form UTF-8 decode to U+FFFD.
 */
export function decodeInterpretedString(body: string, bodyOffset: number): DecodeResult {
  if (!body.includes('\\')) return { ok: true, value: body };
  const bytes: number[] = [];
  let i = 0;
  while (i < body.length) {
    const ch = body[i]!;
    if (ch !== '\\') {
      const cp = body.codePointAt(i)!;
      pushUtf8(bytes, cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const at = bodyOffset + i;
    const kind = body[i + 1];
    if (kind === undefined) return fail(at, 'escape sequence not terminated');
    const simple = simpleEscapes[kind];
    if (simple !== undefined) {
      bytes.push(simple);
      i += 2;
      continue;
    }
    if (kind === 'x' || kind === 'u' || kind === 'U') {
      const digits = kind === 'x' ? 2 : kind === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + digits);
      if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) {
        return fail(at, `invalid escape sequence \\${kind}: expected ${digits} hexadecimal digits`);
      }
      const value = Number.parseInt(hex, 16);
      if (kind === 'x') bytes.push(value);
      else if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
        return fail(at, `escape sequence \\${kind}${hex} is not a valid Unicode code point`);
      } else pushUtf8(bytes, value);
      i += 2 + digits;
      continue;
    }
    if (kind >= '0' && kind <= '7') {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct)) return fail(at, 'invalid octal escape: expected 3 octal digits');
      const value = Number.parseInt(oct, 8);
      if (value > 255) return fail(at, `octal escape value ${value} > 255`);
      bytes.push(value);
      i += 4;
      continue;
    }
    return fail(at, `unknown escape sequence \\${kind}`);
  }
  return { ok: true, value: Buffer.from(bytes).toString('utf8') };
}

function fail(offset: number, message: string): DecodeResult {
  return { ok: false, problem: { message, offset } };
}

function pushUtf8(bytes: number[], cp: number): void {
  if (cp < 0x80) bytes.push(cp);
  else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}
