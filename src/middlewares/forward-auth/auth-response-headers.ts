/**
 * What forwardAuth does with the auth server's response headers (reference §9,
 * pkg/middlewares/auth/forward.go): copy chosen ones onto the request when access is granted,
 * hand them to the client when it is denied, and move chosen cookies onto the final response.
 */
import { deleteHeader, getHeader, type ResponseHeadHook } from '../../lib/exchange.ts';
import type { UserRegex } from '../../rules/regex.ts';

/**
 * Go's canonical form of a header name (`x-auth-user` → `X-Auth-User`), which is what Traefik
 * matches `authResponseHeadersRegex` against. Names with a character outside the token set are
 * left alone, as Go leaves them.
 */
export function canonicalHeaderName(name: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return name;
  let out = '';
  let upper = true;
  for (const c of name) {
    out += upper ? c.toUpperCase() : c.toLowerCase();
    upper = c === '-';
  }
  return out;
}

/** What a granted request takes from the auth response, prepared once per middleware. */
export interface GrantedHeaderRules {
  /** `authResponseHeaders`, lower-cased. */
  readonly names: readonly string[];
  readonly regex: UserRegex | null;
}

/**
 * Copies the granted headers from the auth response onto the request headers (in place): each
 * listed name is removed from the request, then the auth server's values (if any) are added;
 * with the regex, every request header whose canonical name matches is removed, then every
 * matching auth header is added.
 */
export function copyGrantedHeaders(request: string[], auth: readonly string[], rules: GrantedHeaderRules): void {
  for (const name of rules.names) {
    deleteHeader(request, name);
    for (let i = 0; i < auth.length; i += 2) if (auth[i]!.toLowerCase() === name) request.push(canonicalHeaderName(auth[i]!), auth[i + 1]!);
  }
  const re = rules.regex;
  if (re === null) return;
  let w = 0;
  for (let r = 0; r < request.length; r += 2) {
    if (re.test(canonicalHeaderName(request[r]!))) continue;
    request[w] = request[r]!;
    request[w + 1] = request[r + 1]!;
    w += 2;
  }
  request.length = w;
  for (let i = 0; i < auth.length; i += 2) {
    const canonical = canonicalHeaderName(auth[i]!);
    if (re.test(canonical)) request.push(canonical, auth[i + 1]!);
  }
}

/** Removed from a denial before it reaches the client (Traefik's list for forwardAuth). */
const deniedHop = ['connection', 'keep-alive', 'te', 'trailer', 'trailers', 'transfer-encoding', 'upgrade', 'content-length'];

/**
 * The head of a denial: the auth server's headers without hop-by-hop ones, a Content-Length
 * for the body as read, and Location resolved against the auth server's address unless
 * `preserveLocation` (Go's Response.Location). Throws when Location cannot be resolved; Traefik
 * answers that with 500.
 */
export function deniedResponseHeaders(auth: readonly string[], bodyLength: number, address: string, preserveLocation: boolean): string[] {
  const out = [...auth];
  for (const name of deniedHop) deleteHeader(out, name);
  const location = getHeader(auth, 'location');
  if (location !== undefined && location !== '' && !preserveLocation) {
    const resolved = new URL(location, address).href;
    deleteHeader(out, 'location');
    out.push('Location', resolved);
  }
  out.push('Content-Length', String(bodyLength));
  return out;
}

/** The name of the cookie a Set-Cookie value sets ('' when there is none). */
export function setCookieName(value: string): string {
  const eq = value.indexOf('=');
  return eq < 0 ? '' : value.slice(0, eq).trim();
}

/**
 * A response head hook that puts the auth server's cookies named in `names` on the final
 * response, replacing the response's own cookies of those names. `authSetCookies` are the auth
 * response's Set-Cookie values, already filtered to `names`.
 */
export function authCookieHook(names: ReadonlySet<string>, authSetCookies: readonly string[]): ResponseHeadHook {
  return (status, headers) => {
    let w = 0;
    for (let r = 0; r < headers.length; r += 2) {
      if (headers[r]!.toLowerCase() === 'set-cookie' && names.has(setCookieName(headers[r + 1]!))) continue;
      headers[w] = headers[r]!;
      headers[w + 1] = headers[r + 1]!;
      w += 2;
    }
    headers.length = w;
    for (const value of authSetCookies) headers.push('Set-Cookie', value);
    return status;
  };
}
