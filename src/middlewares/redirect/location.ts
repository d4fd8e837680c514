/**
 * The `Location` of a Traefik redirect is `url.Parse(newURL).String()` in Go: the rewritten URL
 * goes through Go's parser (which may refuse it) and comes back re-serialised (scheme
 * lower-cased, characters a part cannot carry raw escaped). This reproduces both for the URL
 * shapes a redirect produces; nothing here is on a path that does not redirect.
 */
import { escapedPathFromRaw, unescapePath } from '../escaped-path.ts';

const upperHex = '0123456789ABCDEF';

function asciiTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  return table;
}

const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Host bytes Go neither rejects nor escapes (`shouldEscape(c, encodeHost)` false). */
const hostSafe = asciiTable(`${alnum}-_.~!$&'()*+,;=:[]<>"`);
/** Userinfo characters Go accepts when parsing (`validUserinfo`). */
const userinfoValid = asciiTable(`${alnum}-._:~!$&'()*+,;=%@`);
/** Userinfo bytes Go leaves unescaped when printing (`encodeUserPassword`). */
const userinfoSafe = asciiTable(`${alnum}-_.~$&+,;=`);
/** Fragment bytes Go leaves unescaped (`encodeFragment`). */
const fragmentSafe = asciiTable(`${alnum}-_.~$&+,/:;=?@!()*`);
/** Fragment bytes Go accepts as already escaped (`validEncoded(s, encodeFragment)`). */
const fragmentValid = asciiTable(`${alnum}-_.~$&+,/:;=?@!()*'[]%`);

/** Escapes every UTF-8 byte of `s` that is not marked safe in `table`. */
function escapeWith(s: string, table: Uint8Array): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out += b < 0x80 && table[b] === 1 ? String.fromCharCode(b) : `%${upperHex[b >> 4]!}${upperHex[b & 15]!}`;
  }
  return out;
}

function allIn(s: string, table: Uint8Array): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || table[c] === 0) return false;
  }
  return true;
}

function hasControlByte(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Go's `getScheme`: [scheme, rest], or null for a leading `:` ("missing protocol scheme"). */
function splitScheme(raw: string): [string, string] | null {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
    if (letter) continue;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === 0x3a) return i === 0 ? null : [raw.slice(0, i), raw.slice(i + 1)];
    return ['', raw];
  }
  return ['', raw];
}

/** `""` or `:` followed by digits only. */
function isOptionalPort(colonPort: string): boolean {
  if (colonPort === '') return true;
  if (colonPort.charCodeAt(0) !== 0x3a) return false;
  for (let i = 1; i < colonPort.length; i++) {
    const c = colonPort.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * Go's host validation (`parseHost` + `unescape(host, encodeHost)`), returning the host as
 * `String()` prints it, or null when Go refuses it.
 */
function formatHost(host: string): string | null {
  let portAt = -1;
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0 || !isOptionalPort(host.slice(close + 1))) return null;
  } else if ((portAt = host.lastIndexOf(':')) >= 0 && !isOptionalPort(host.slice(portAt))) {
    return null;
  }
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c === 0x25) {
      const escape = host.slice(i, i + 3);
      const hi = parseInt(escape.slice(1, 2), 16);
      // Percent-encoding in a host is only for non-ASCII bytes, or %25 (RFC 6874 zones).
      if (!/^%[0-9A-Fa-f]{2}$/.test(escape) || (hi < 8 && escape !== '%25')) return null;
      i += 2;
    } else if (c < 0x80 && hostSafe[c] === 0) {
      return null;
    }
  }
  const decoded = host.includes('%') ? unescapePath(host) : host;
  return decoded === null ? null : escapeWith(decoded, hostSafe);
}

/** Go's userinfo parsing and printing, or null when Go refuses it. */
function formatUserinfo(userinfo: string): string | null {
  if (!allIn(userinfo, userinfoValid)) return null;
  const colon = userinfo.indexOf(':');
  const parts = colon < 0 ? [userinfo] : [userinfo.slice(0, colon), userinfo.slice(colon + 1)];
  const printed: string[] = [];
  for (const part of parts) {
    const decoded = unescapePath(part);
    if (decoded === null) return null;
    printed.push(escapeWith(decoded, userinfoSafe));
  }
  return printed.join(':');
}

/**
 * Go's `url.Parse(raw).String()`, or null when `url.Parse` returns an error (Traefik then
 * answers through oxy's error handler, which maps a `*url.Error` to 502).
 */
export function goUrlString(raw: string): string | null {
  const hash = raw.indexOf('#');
  const beforeFragment = hash < 0 ? raw : raw.slice(0, hash);
  const fragment = hash < 0 ? '' : raw.slice(hash + 1);
  if (hasControlByte(beforeFragment)) return null;

  let out: string;
  if (beforeFragment === '*') {
    out = '*';
  } else {
    const split = splitScheme(beforeFragment);
    if (split === null) return null;
    const scheme = split[0].toLowerCase();
    let rest = split[1];
    let query: string | null = null;
    const q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
    const prefix = scheme === '' ? '' : `${scheme}:`;
    if (!rest.startsWith('/') && scheme !== '') {
      out = prefix + rest; // opaque
    } else {
      if (!rest.startsWith('/')) {
        const firstSegment = rest.split('/', 1)[0]!;
        if (firstSegment.includes(':')) return null;
      }
      let authority = '';
      let hasAuthority = false;
      if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
        hasAuthority = true;
        const slash = rest.indexOf('/', 2);
        authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
        rest = slash < 0 ? '' : rest.slice(slash);
      }
      let host = '';
      let user: string | null = null;
      if (hasAuthority) {
        const at = authority.lastIndexOf('@');
        const h = formatHost(at < 0 ? authority : authority.slice(at + 1));
        if (h === null) return null;
        host = h;
        if (at >= 0) {
          user = formatUserinfo(authority.slice(0, at));
          if (user === null) return null;
        }
      }
      const path = escapedPathFromRaw(rest);
      if (path === null) return null;
      // `scheme:/path` (no authority) prints without `//` (Go's OmitHost).
      const omitHost = !hasAuthority && scheme !== '' && rest.startsWith('/');
      out = prefix;
      if ((scheme !== '' || host !== '' || user !== null) && !omitHost && (host !== '' || path !== '' || user !== null)) {
        out += `//${user === null ? '' : `${user}@`}${host}`;
      }
      if (path !== '' && path.charCodeAt(0) !== 0x2f && host !== '') out += '/';
      if (out === '' && path.split('/', 1)[0]!.includes(':')) out = './';
      out += path;
    }
    // An empty query is Go's ForceQuery (`a?`): the `?` is kept.
    if (query !== null) out += `?${query}`;
  }
  if (fragment !== '') {
    const decoded = unescapePath(fragment);
    if (decoded === null) return null;
    out += `#${allIn(fragment, fragmentValid) ? fragment : escapeWith(decoded, fragmentSafe)}`;
  }
  return out;
}
