/**
 * Reading form-encoded query strings the way Go does for Traefik's Query matchers. The entry
 * point has already turned `;` into `&` (or `%3B`), as Traefik does before routing.
 */

/**
 * Go's url.QueryUnescape: `+` is a space, `%XX` a byte (bytes reassemble as UTF-8), anything
 * else literal. Returns null for a malformed `%` escape.
 */
export function decodeQueryComponent(s: string): string | null {
  if (s.indexOf('%') < 0) return s.indexOf('+') < 0 ? s : s.replaceAll('+', ' ');
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      const hi = hexValue(s.charCodeAt(i + 1));
      const lo = hexValue(s.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return null;
      bytes.push(hi * 16 + lo);
      i += 2;
    } else if (c === 43) {
      bytes.push(32);
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) i++;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * True when some value of `key` satisfies `accept`, reading `query` like Go's url.ParseQuery:
 * pairs split on `&`; a pair containing `;`, an empty pair, or one whose key or value has a
 * malformed escape is skipped; a pair without `=` has the empty value.
 */
export function someQueryValue(query: string, key: string, accept: (value: string) => boolean): boolean {
  let start = 0;
  const n = query.length;
  while (start < n) {
    let end = query.indexOf('&', start);
    if (end < 0) end = n;
    if (end > start) {
      const pair = query.slice(start, end);
      if (pair.indexOf(';') < 0) {
        const eq = pair.indexOf('=');
        const rawKey = eq < 0 ? pair : pair.slice(0, eq);
        const decodedKey = decodeQueryComponent(rawKey);
        if (decodedKey === key) {
          const value = decodeQueryComponent(eq < 0 ? '' : pair.slice(eq + 1));
          if (value !== null && accept(value)) return true;
        }
      }
    }
    start = end + 1;
  }
  return false;
}

/**
 * gorilla/mux's findFirstQueryKey (v2 Query matcher): only the first pair whose decoded key is
 * `key` counts, pairs split on `&` and `;`. Returns its decoded value, or null when absent.
 */
export function firstQueryValue(query: string, key: string): string | null {
  let start = 0;
  const n = query.length;
  while (start < n) {
    let end = start;
    while (end < n && query.charCodeAt(end) !== 38 && query.charCodeAt(end) !== 59) end++;
    if (end > start) {
      const pair = query.slice(start, end);
      const eq = pair.indexOf('=');
      const decodedKey = decodeQueryComponent(eq < 0 ? pair : pair.slice(0, eq));
      if (decodedKey === key) {
        const value = decodeQueryComponent(eq < 0 ? '' : pair.slice(eq + 1));
        if (value !== null) return value;
      }
    }
    start = end + 1;
  }
  return null;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
