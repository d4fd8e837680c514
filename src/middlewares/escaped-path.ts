/**
 * Path arithmetic shared by the path middlewares. They work on the escaped path
 * (`RequestHead.path`) with the semantics of Go's net/url that Traefik inherits:
 *
 *  - Traefik matches prefixes and regexes against the *decoded* path (`URL.Path`) and cuts the
 *    escaped path (`URL.RawPath`) by the number of decoded bytes it removed;
 *  - a path set from configuration is sent as written when it is a valid escaped form, else
 *    re-escaped (`URL.EscapedPath`);
 *  - after stripping, a path that `URL.JoinPath()` would clean (`//`, `.`, `..`) is refused
 *    (Traefik's fix for GHSA-xf64-8mw2-4gr2).
 *
 * Every function has a fast path for the common case of a path without `%`.
 */

/** Value of one hex digit, or -1 (also for NaN, i.e. past the end of a string). */
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** ASCII bytes Go leaves unescaped in a path: unreserved, and the reserved `$&+,/:;=@`. */
const pathSafe = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~$&+,/:;=@') {
  pathSafe[c.charCodeAt(0)] = 1;
}

/** ASCII bytes Go accepts as-is in an already escaped path (`validEncoded`, RFC 3986 pchar). */
const pathValid = new Uint8Array(pathSafe);
for (const c of "!$&'()*+,;=:@[]%") pathValid[c.charCodeAt(0)] = 1;

const upperHex = '0123456789ABCDEF';

/**
 * Go's `url.PathUnescape`: the decoded path (bytes read as UTF-8), or null when a `%` is not
 * followed by two hex digits.
 */
export function unescapePath(escaped: string): string | null {
  if (!escaped.includes('%')) return escaped;
  const out = Buffer.allocUnsafe(Buffer.byteLength(escaped));
  let n = 0;
  for (let i = 0; i < escaped.length;) {
    const c = escaped.charCodeAt(i);
    if (c === 0x25) {
      const hi = hexValue(escaped.charCodeAt(i + 1));
      const lo = hexValue(escaped.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return null;
      out[n++] = hi * 16 + lo;
      i += 3;
    } else if (c < 0x80) {
      out[n++] = c;
      i++;
    } else {
      // Raw non-ASCII (the entry point normally leaves none): kept as its UTF-8 bytes.
      const ch = String.fromCodePoint(escaped.codePointAt(i)!);
      n += out.write(ch, n, 'utf8');
      i += ch.length;
    }
  }
  return out.toString('utf8', 0, n);
}

/** Go's path escaping (`escape(s, encodePath)`) of a decoded path, byte-wise on its UTF-8. */
export function escapePath(decoded: string): string {
  let i = 0;
  for (; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if (c >= 0x80 || pathSafe[c] === 0) break;
  }
  if (i === decoded.length) return decoded;
  const bytes = Buffer.from(decoded, 'utf8');
  let out = '';
  for (const b of bytes) {
    out += b < 0x80 && pathSafe[b] === 1 ? String.fromCharCode(b) : `%${upperHex[b >> 4]!}${upperHex[b & 15]!}`;
  }
  return out;
}

/** Go's `validEncoded(s, encodePath)`: every byte may appear as-is in an escaped path. */
export function isValidEscapedPath(escaped: string): boolean {
  for (let i = 0; i < escaped.length; i++) {
    const c = escaped.charCodeAt(i);
    if (c >= 0x80 || pathValid[c] === 0) return false;
  }
  return true;
}

/**
 * The escaped path Go sends for a path written in configuration or produced by a replacement
 * (`URL.RawPath = raw`, then `URL.EscapedPath()`): `raw` itself when it is a valid escaped
 * form, else the decoded path re-escaped. Null when `raw` has an invalid `%` escape.
 */
export function escapedPathFromRaw(raw: string): string | null {
  const decoded = unescapePath(raw);
  if (decoded === null) return null;
  return isValidEscapedPath(raw) ? raw : escapePath(decoded);
}

/**
 * True when `URL.JoinPath()` leaves the path unchanged: no empty segment except a trailing one
 * and no `.` or `..` segment (`path.Clean`, then Go re-adds a trailing slash).
 */
export function isCleanPath(path: string): boolean {
  const n = path.length;
  let start = path.charCodeAt(0) === 0x2f ? 1 : 0;
  for (let i = start; i <= n; i++) {
    if (i < n && path.charCodeAt(i) !== 0x2f) continue;
    const len = i - start;
    if (len === 0) {
      if (i < n) return false;
    } else if (path.charCodeAt(start) === 0x2e && (len === 1 || (len === 2 && path.charCodeAt(start + 1) === 0x2e))) {
      return false;
    }
    start = i + 1;
  }
  return true;
}

/**
 * How many characters of the escaped path encode its first `decodedBytes` decoded bytes
 * (Traefik's `encodedPrefixLen`: 3 per `%XX`, 1 otherwise).
 */
export function escapedLength(escaped: string, decodedBytes: number): number {
  const n = escaped.length;
  let decoded = 0;
  let i = 0;
  while (i < n && decoded < decodedBytes) {
    const c = escaped.charCodeAt(i);
    if (c === 0x25 && i + 2 < n) {
      i += 3;
      decoded++;
    } else if (c < 0x80) {
      i++;
      decoded++;
    } else {
      const cp = escaped.codePointAt(i)!;
      decoded += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      i += cp > 0xffff ? 2 : 1;
    }
  }
  return i;
}

/** Traefik's `ensureLeadingSlash`: '' stays '', anything else starts with `/`. */
export function ensureLeadingSlash(path: string): string {
  return path === '' || path.charCodeAt(0) === 0x2f ? path : `/${path}`;
}
