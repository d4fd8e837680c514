/**
 * Sticky cookie names, as Traefik derives them: a configured name is made a valid RFC 2616
 * token; no name means a short hash of the qualified service name.
 */
import { createHash } from 'node:crypto';

/** `_` + the first 5 hex digits of SHA-1(`_TRAEFIK_BACKEND_` + service), e.g. `backend` → `_76eb3`. */
export function defaultCookieName(qualifiedService: string): string {
  const digest = createHash('sha1').update('_TRAEFIK_BACKEND_' + qualifiedService).digest('hex');
  return '_' + digest.slice(0, 5);
}

/** RFC 2616 §2.2 separators plus CTLs are not token characters; letters, digits and these are. */
const tokenPunctuation = "!#$%&'*+-.^`|~";

function isTokenChar(ch: string): boolean {
  if (ch.length !== 1) return false; // an astral code point is never a token character
  const c = ch.charCodeAt(0);
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || tokenPunctuation.includes(ch);
}

/**
 * Replaces every character outside the token set with `_`, one `_` per code point (Traefik maps
 * runes, so `é` becomes one `_`, not two). `_` itself is kept (it maps to itself).
 */
export function sanitizeCookieName(name: string): string {
  let out = '';
  for (const ch of name) out += isTokenChar(ch) ? ch : '_';
  return out;
}

/** The cookie name a sticky balancer uses: the configured one sanitised, or the default when absent or empty. */
export function stickyCookieName(configured: string | undefined, qualifiedService: string): string {
  return configured === undefined || configured === '' ? defaultCookieName(qualifiedService) : sanitizeCookieName(configured);
}
