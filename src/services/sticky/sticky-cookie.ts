/**
 * Cookie stickiness of one balancer level, with Traefik's cookie values: a client that sends
 * the cookie goes back to the server (or child service) its value names.
 *
 * Values: the primary value of a key (server URL or child service name, as written) is the
 * first 16 hex digits of SHA-256(key). Traefik also accepts older forms and then rewrites the
 * cookie; so do we: the raw key, FNV-1 64 of the key in hex, and FNV-1 64 of that hex ("double
 * FNV": old Traefik hashed the URL once in its service manager and again in its balancer).
 *
 * With `secret` (Switchyard), values are signed so a client cannot pick a server:
 *
 *     <primary>.<mac>   mac = first 22 characters of base64url(HMAC-SHA256(secret, name + "=" + primary))
 *
 * e.g. `d30a576c03187167.` followed by 22 characters of [A-Za-z0-9_-]. The MAC covers the cookie name
 * so a value cannot be replayed under another sticky cookie. Only a value whose MAC verifies pins;
 * raw, legacy and unsigned primary values are ignored, so the balancer picks normally and sets a
 * fresh signed cookie.
 *
 * Every value, MAC and Set-Cookie string is computed when the balancer is built; a lookup scans
 * the Cookie headers and does one Map lookup (plus one constant-time compare with a secret).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { StickyCookieConfig } from '../../config/http-services.ts';
import type { ResponseHeadHook } from '../../lib/exchange.ts';
import { cookieAttributes } from './cookie-attributes.ts';
import { fnv1_64Hex } from '../policies/fnv.ts';
import { readRequestCookie } from './request-cookie.ts';

/** The server (or child service) a request's sticky cookie names. */
export interface StickyLookup<T> {
  readonly target: T;
  /** The response must (re)set the cookie: a legacy value matched. */
  readonly rewrite: boolean;
}

/** Sticky cookie of one balancer level. */
export interface StickyCookie<T> {
  /** The cookie name (already sanitised or defaulted, see stickyCookieName). */
  readonly name: string;
  /**
   * The target named by the request's cookie (Cookie headers in raw pairs `[name, value, …]`,
   * several Cookie lines allowed, quoted values), or undefined (absent / unknown / with a secret:
   * unsigned or badly signed). Whether the target is usable (up, not removed) is the caller's call.
   */
  lookup(requestHeaders: readonly string[]): StickyLookup<T> | undefined;
  /** The full Set-Cookie header value naming `target`; throws for a target not given at creation (a bug). */
  setCookie(target: T): string;
}

/** A target and the key its cookie values are derived from: the server URL or child service name, as written. */
export interface StickyTarget<T> {
  readonly key: string;
  readonly target: T;
}

/** Length of the primary value: 16 hex digits of SHA-256. */
const primaryLength = 16;
/** Length of the MAC part of a signed value: 22 base64url characters = 132 bits. */
const macLength = 22;
const signedLength = primaryLength + 1 + macLength;

/** First 16 hex digits of SHA-256(key): the cookie value Traefik v3 writes. */
export function primaryCookieValue(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, primaryLength);
}

/**
 * Builds the sticky cookie of a balancer level named `name` (`config.name` is not read: pass
 * stickyCookieName's result) over `targets`. When two targets share a key, the last one wins,
 * as in Traefik.
 */
export function createStickyCookie<T>(
  config: StickyCookieConfig,
  name: string,
  targets: readonly StickyTarget<T>[],
): StickyCookie<T> {
  const attributes = cookieAttributes(config);
  const setCookies = new Map<T, string>();
  const lookup = config.secret === undefined
    ? createPlainLookup(name, targets, attributes, setCookies)
    : createSignedLookup(config.secret, name, targets, attributes, setCookies);
  return {
    name,
    lookup,
    setCookie(target) {
      const header = setCookies.get(target);
      if (header === undefined) throw new Error(`sticky cookie ${name}: setCookie for a target it was not built with`);
      return header;
    },
  };
}

type Lookup<T> = (requestHeaders: readonly string[]) => StickyLookup<T> | undefined;

function createPlainLookup<T>(
  name: string,
  targets: readonly StickyTarget<T>[],
  attributes: string,
  setCookies: Map<T, string>,
): Lookup<T> {
  const byValue = new Map<string, StickyLookup<T>>();
  // Legacy values first so a primary value always wins a (theoretical) clash, as Traefik checks
  // its primary map before its compatibility map.
  for (const { key, target } of targets) {
    const rewrite: StickyLookup<T> = Object.freeze({ target, rewrite: true });
    const fnv = fnv1_64Hex(key);
    byValue.set(key, rewrite);
    byValue.set(fnv, rewrite);
    byValue.set(fnv1_64Hex(fnv), rewrite);
  }
  for (const { key, target } of targets) {
    const primary = primaryCookieValue(key);
    byValue.set(primary, Object.freeze({ target, rewrite: false }));
    setCookies.set(target, `${name}=${primary}${attributes}`);
  }
  return (requestHeaders) => {
    const value = readRequestCookie(requestHeaders, name);
    return value === undefined ? undefined : byValue.get(value);
  };
}

interface SignedEntry<T> {
  readonly found: StickyLookup<T>;
  readonly mac: Buffer;
}

function createSignedLookup<T>(
  secret: string,
  name: string,
  targets: readonly StickyTarget<T>[],
  attributes: string,
  setCookies: Map<T, string>,
): Lookup<T> {
  const byPrimary = new Map<string, SignedEntry<T>>();
  for (const { key, target } of targets) {
    const primary = primaryCookieValue(key);
    const mac = createHmac('sha256', secret).update(`${name}=${primary}`).digest('base64url').slice(0, macLength);
    byPrimary.set(primary, { found: Object.freeze({ target, rewrite: false }), mac: Buffer.from(mac, 'latin1') });
    setCookies.set(target, `${name}=${primary}.${mac}${attributes}`);
  }
  // Lookups run one at a time on this thread, so one scratch buffer serves them all.
  const scratch = Buffer.alloc(macLength);
  return (requestHeaders) => {
    const value = readRequestCookie(requestHeaders, name);
    if (value === undefined || value.length !== signedLength || value.charCodeAt(primaryLength) !== 0x2e) return undefined;
    const entry = byPrimary.get(value.slice(0, primaryLength));
    if (entry === undefined) return undefined;
    // The value holds only printable ASCII (readRequestCookie checked), so latin1 writes one byte per character.
    scratch.write(value.slice(primaryLength + 1), 0, 'latin1');
    return timingSafeEqual(scratch, entry.mac) ? entry.found : undefined;
  };
}

/**
 * One response-head hook per target that appends its Set-Cookie, made once at build time: a
 * pick that must set the cookie pushes the hook, with no allocation per request.
 */
export function stickyCookieHooks<T>(cookie: StickyCookie<T>, targets: readonly T[]): Map<T, ResponseHeadHook> {
  const hooks = new Map<T, ResponseHeadHook>();
  for (const t of targets) {
    const value = cookie.setCookie(t);
    hooks.set(t, (status, headers) => {
      headers.push('Set-Cookie', value);
      return status;
    });
  }
  return hooks;
}
