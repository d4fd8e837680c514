/**
 * The attribute part of a sticky `Set-Cookie` header, byte for byte what Traefik sends (it uses
 * Go's `http.Cookie.String()`): `; Path=…; Domain=…; Max-Age=…; HttpOnly; Secure; SameSite=…`
 * in that order, each only when it applies.
 */
import { isIPv4 } from 'node:net';
import type { StickyCookieConfig } from '../../config/http-services.ts';

/**
 * `"; Path=/x; Domain=d; Max-Age=42; HttpOnly; Secure; SameSite=None"` for `config`, to append to
 * `name=value`. Computed once per service, never per response.
 */
export function cookieAttributes(config: StickyCookieConfig): string {
  let out = '';
  // Go drops the bytes a path may not hold (CTLs, non-ASCII, ';') and omits an empty Path.
  const path = sanitizeCookiePath(config.path);
  if (path !== '') out += '; Path=' + path;
  // Go drops a Domain that is neither a domain name nor an IPv4 address (the cookie becomes
  // host-only) and strips one leading dot, which browsers ignore anyway.
  if (config.domain !== undefined && config.domain !== '' && isValidCookieDomain(config.domain)) {
    out += '; Domain=' + (config.domain.startsWith('.') ? config.domain.slice(1) : config.domain);
  }
  // Traefik's meaning of maxAge: > 0 is the lifetime, < 0 deletes the cookie, 0 makes it a session cookie.
  if (config.maxAge > 0) out += '; Max-Age=' + String(config.maxAge);
  else if (config.maxAge < 0) out += '; Max-Age=0';
  if (config.httpOnly) out += '; HttpOnly';
  if (config.secure) out += '; Secure';
  out += sameSiteAttribute(config.sameSite);
  return out;
}

function sameSiteAttribute(sameSite: StickyCookieConfig['sameSite']): string {
  switch (sameSite) {
    case '': return '';
    case 'none': return '; SameSite=None';
    case 'lax': return '; SameSite=Lax';
    case 'strict': return '; SameSite=Strict';
    default: {
      const unreachable: never = sameSite;
      throw new Error(`unknown sameSite ${String(unreachable)}`);
    }
  }
}

function sanitizeCookiePath(path: string): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x3b) out += path[i];
  }
  return out;
}

/** A domain name (letters required, no `_`, labels of 1–63, optional leading dot) or an IPv4 address. */
function isValidCookieDomain(domain: string): boolean {
  return isCookieDomainName(domain) || isIPv4(domain);
}

function isCookieDomainName(domain: string): boolean {
  if (domain.length === 0 || domain.length > 255) return false;
  const s = domain.startsWith('.') ? domain.slice(1) : domain;
  let last = 0x2e; // '.'
  let sawLetter = false;
  let labelLength = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) {
      sawLetter = true;
      labelLength++;
    } else if (c >= 0x30 && c <= 0x39) {
      labelLength++;
    } else if (c === 0x2d) { // '-' may not start a label
      if (last === 0x2e) return false;
      labelLength++;
    } else if (c === 0x2e) { // '.' may not follow '.' or '-', nor end an empty or long label
      if (last === 0x2e || last === 0x2d || labelLength === 0 || labelLength > 63) return false;
      labelLength = 0;
    } else {
      return false;
    }
    last = c;
  }
  return last !== 0x2d && labelLength <= 63 && sawLetter;
}
