// Byte classes of RFC 9110/9112 as 256-entry lookup tables, built once at load. Where the RFC lets a
// recipient choose, the tables follow llhttp as Node 24 runs it (measured byte by byte), so the
// differential test against node:http compares like with like.

function table(predicate: (byte: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) t[b] = predicate(b) ? 1 : 0;
  return t;
}

const isAlpha = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

/** tchar (RFC 9110 §5.6.2): methods, field names, transfer codings, chunk-extension names and tokens. */
export const tokenChars = table((b) => isAlpha(b) || isDigit(b) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(b)));

/** Bytes allowed inside a field value: HTAB, SP, VCHAR and obs-text; no other CTL, no DEL (RFC 9110 §5.5). */
export const fieldValueChars = table((b) => b === 0x09 || (b >= 0x20 && b !== 0x7f));

/** Bytes allowed in a request-target: VCHAR only (RFC 9112 §3.2; llhttp refuses obs-text there too). */
export const targetChars = table((b) => b >= 0x21 && b <= 0x7e);

/**
 * Bytes llhttp accepts in the authority part of an absolute-form or authority-form target (its
 * "url server" state): unreserved, sub-delims, `%`, `:`, `@`, `[`, `]`, plus `/` and `?` that end it.
 */
export const authorityChars = table((b) => isAlpha(b) || isDigit(b) || "-._~!$&'()*+,;=%:@[]/?".includes(String.fromCharCode(b)));

/** qdtext and the second byte of a quoted-pair inside a quoted chunk-extension value (RFC 9110 §5.6.4). */
export const quotedTextChars = table((b) => b === 0x09 || b === 0x20 || b === 0x21 || (b >= 0x23 && b <= 0x5b) || (b >= 0x5d && b <= 0x7e) || b >= 0x80);
export const quotedPairChars = table((b) => b === 0x09 || (b >= 0x20 && b !== 0x7f));

/** Hex digit values; -1 for any other byte. */
export const hexValues = ((): Int8Array => {
  const t = new Int8Array(256).fill(-1);
  for (let b = 0; b < 256; b++) {
    if (isDigit(b)) t[b] = b - 0x30;
    else if (b >= 0x41 && b <= 0x46) t[b] = b - 0x41 + 10;
    else if (b >= 0x61 && b <= 0x66) t[b] = b - 0x61 + 10;
  }
  return t;
})();

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;
