/**
 * The parameters of an `Authorization: Digest …` header, parsed the way go-http-auth (and so
 * Traefik) does: a comma-separated list where quoted strings may contain commas and `\`
 * escapes; each `key=value` element is unquoted once; an element without `=` is a key with an
 * empty value.
 */

/** Splits a header value at commas outside quoted strings; elements are trimmed. */
function splitList(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let escaped = false;
  for (const ch of value) {
    if (escaped) {
      current += ch;
      escaped = false;
    } else if (quoted) {
      if (ch === '\\') {
        escaped = true;
      } else {
        if (ch === '"') quoted = false;
        current += ch;
      }
    } else if (ch === ',') {
      out.push(current.trim());
      current = '';
    } else {
      if (ch === '"') quoted = true;
      current += ch;
    }
  }
  if (current !== '') out.push(current.trim());
  return out;
}

/**
 * The parameters of a Digest Authorization header, or null when the header is absent or not
 * `Digest` followed by a space (the scheme is case-sensitive, as in go-http-auth).
 */
export function parseDigestParams(authorization: string | undefined): Map<string, string> | null {
  if (authorization === undefined) return null;
  const space = authorization.indexOf(' ');
  if (space < 0 || authorization.slice(0, space) !== 'Digest') return null;
  const params = new Map<string, string>();
  for (const element of splitList(authorization.slice(space + 1).trim())) {
    const eq = element.indexOf('=');
    if (eq < 0) {
      params.set(element, '');
      continue;
    }
    let v = element.slice(eq + 1);
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    params.set(element.slice(0, eq), v);
  }
  return params;
}
