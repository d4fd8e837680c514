/**
 * Reads one cookie from a request's raw headers the way Go's `Request.Cookie` does (which is what
 * Traefik's sticky lookup sees), without parsing the whole header into objects.
 */

/** `true` for the header name `cookie` in any case, without lower-casing a copy. */
function isCookieHeaderName(name: string): boolean {
  return name.length === 6 && (name === 'cookie' || name === 'Cookie' || name.toLowerCase() === 'cookie');
}

/** Space, tab, CR, LF: what Go trims around cookie pairs (`textproto.TrimString`). */
function isTrimmed(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** RFC 6265 cookie-octet loosened as Go does: space and comma are accepted; `"`, `;`, `\` and CTLs are not. */
function isValueChar(c: number): boolean {
  return c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x3b && c !== 0x5c;
}

/**
 * The value of the first well-formed cookie called `name` in the `Cookie` headers of `headers`
 * (raw pairs `[name, value, …]`; several `Cookie` lines allowed, in order), with one pair of
 * surrounding double quotes removed; `undefined` when there is none. A pair whose value holds a
 * character a cookie value may not is skipped, and a later pair of the same name may then match.
 * `name` must be a valid token (see sanitizeCookieName); it is compared case-sensitively.
 */
export function readRequestCookie(headers: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (!isCookieHeaderName(headers[i]!)) continue;
    const value = findInLine(headers[i + 1]!, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

function findInLine(line: string, name: string): string | undefined {
  let next = 0;
  while (next < line.length) {
    let start = next;
    let end = line.indexOf(';', next);
    if (end < 0) end = line.length;
    next = end + 1;
    while (start < end && isTrimmed(line.charCodeAt(start))) start++;
    while (end > start && isTrimmed(line.charCodeAt(end - 1))) end--;
    // Cheap reject before looking for '=': the pair must begin with the name.
    if (end - start < name.length || !line.startsWith(name, start)) continue;
    let nameEnd = start + name.length;
    while (nameEnd < end && isTrimmed(line.charCodeAt(nameEnd))) nameEnd++;
    let valueStart: number;
    if (nameEnd === end) valueStart = end; // `name` alone: an empty value
    else if (line.charCodeAt(nameEnd) === 0x3d) valueStart = nameEnd + 1;
    else continue; // a longer name that begins with ours
    let valueEnd = end;
    if (valueEnd - valueStart > 1 && line.charCodeAt(valueStart) === 0x22 && line.charCodeAt(valueEnd - 1) === 0x22) {
      valueStart++;
      valueEnd--;
    }
    if (!isValidValue(line, valueStart, valueEnd)) continue;
    return line.slice(valueStart, valueEnd);
  }
  return undefined;
}

function isValidValue(line: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isValueChar(line.charCodeAt(i))) return false;
  return true;
}
