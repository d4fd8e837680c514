/**
 * ClientIP matching with Traefik's semantics (pkg/ip/checker.go on net/netip):
 *  - rule values are IPs (`netip.ParseAddr`, zone allowed and ignored) or CIDRs
 *    (`netip.ParsePrefix`: no zone, no leading zeros or sign in the length); host bits are masked
 *    (`10.1.2.3/24` means 10.1.2.0/24);
 *  - both sides are unmapped, so `::ffff:10.0.0.1` (what Node reports on a dual-stack socket) and
 *    `10.0.0.1` are the same client, and `::ffff:10.0.0.0/104` means 10.0.0.0/8;
 *  - IPv4 octets with leading zeros are invalid (Go rejects `010.0.0.1`);
 *  - an address that does not parse never matches.
 * Matching parses into a reused buffer and allocates nothing.
 */

/** Tests an address (no port) against the compiled IPs and ranges. */
export type IpMatcher = (address: string) => boolean;

/** The matcher, or which value is invalid and why. */
export type CompileIpMatcherResult =
  | { ok: true; matcher: IpMatcher }
  | { ok: false; index: number; message: string };

interface IpRange {
  readonly family: 4 | 6;
  readonly start: Uint8Array;
  readonly end: Uint8Array;
}

/** Compiles IP and CIDR values (ClientIP arguments) into one matcher. */
export function compileIpMatcher(values: readonly string[]): CompileIpMatcherResult {
  const ranges: IpRange[] = [];
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    const buf = new Uint8Array(16);
    const family = parseAddress(value, buf, true);
    if (family !== 0) {
      const bytes = buf.slice(0, family === 4 ? 4 : 16);
      ranges.push({ family, start: bytes, end: bytes });
      continue;
    }
    const range = parsePrefixRange(value);
    if (typeof range === 'string') return { ok: false, index, message: `invalid IP or CIDR ${JSON.stringify(value)}: ${range}` };
    if (range !== null) ranges.push(range);
  }
  const scratch = new Uint8Array(16);
  return {
    ok: true,
    matcher: (address) => {
      const family = parseAddress(address, scratch, true);
      if (family === 0) return false;
      for (let i = 0; i < ranges.length; i++) {
        const r = ranges[i]!;
        if (r.family !== family) continue;
        const length = family === 4 ? 4 : 16;
        if (compareBytes(r.start, scratch, length) <= 0 && compareBytes(scratch, r.end, length) <= 0) return true;
      }
      return false;
    },
  };
}

/**
 * A prefix's range of canonical (unmapped) addresses; an error message; or null for a range whose
 * ends fall in different families after unmapping (such a range contains nothing in Traefik).
 */
function parsePrefixRange(value: string): IpRange | string | null {
  const slash = value.lastIndexOf('/');
  if (slash < 0) return 'not an IP address, and no "/" for a CIDR';
  const addr = value.slice(0, slash);
  if (addr.includes('%')) return 'zones cannot be present in a CIDR';
  const buf = new Uint8Array(16);
  const family = parseAddress(addr, buf, false);
  if (family === 0) return 'unable to parse the IP before "/"';
  const bitsText = value.slice(slash + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(bitsText)) return `bad bits after slash: ${JSON.stringify(bitsText)}`;
  const bits = Number(bitsText);
  const length = family === 4 ? 4 : 16;
  if (bits > length * 8) return 'prefix length out of range';
  const start = buf.slice(0, length);
  const end = buf.slice(0, length);
  for (let i = 0; i < length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    start[i] = start[i]! & mask;
    end[i] = end[i]! | (~mask & 0xff);
  }
  const startFamily = family === 6 && isMapped(start) ? 4 : family;
  const endFamily = family === 6 && isMapped(end) ? 4 : family;
  if (startFamily !== endFamily) return null;
  if (startFamily === 4 && family === 6) return { family: 4, start: start.slice(12), end: end.slice(12) };
  return { family, start, end };
}

function compareBytes(a: Uint8Array, b: Uint8Array, length: number): number {
  for (let i = 0; i < length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

function isMapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/**
 * Parses an IP like netip.ParseAddr into `out`; returns 4 (bytes 0–3 used), 6 (16 bytes) or 0
 * when invalid. With `unmap`, an IPv4-mapped IPv6 address comes back as IPv4. A zone is
 * accepted on IPv6 and ignored (Traefik strips it before comparing).
 */
function parseAddress(s: string, out: Uint8Array, unmap: boolean): 0 | 4 | 6 {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) return parseIPv4(s, 0, s.length, out, 0) ? 4 : 0;
    if (c === 58) {
      if (!parseIPv6(s, out)) return 0;
      if (unmap && isMapped(out)) {
        out[0] = out[12]!;
        out[1] = out[13]!;
        out[2] = out[14]!;
        out[3] = out[15]!;
        return 4;
      }
      return 6;
    }
    if (c === 37) return 0;
  }
  return 0;
}

/** Go's parseIPv4Fields: four decimal octets, no empty field, no leading zero, each ≤ 255. */
function parseIPv4(s: string, start: number, end: number, out: Uint8Array, at: number): boolean {
  let val = 0;
  let pos = 0;
  let digits = 0;
  if (start >= end) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && val === 0) return false;
      val = val * 10 + (c - 48);
      digits++;
      if (val > 255) return false;
    } else if (c === 46) {
      if (i === start || i === end - 1 || s.charCodeAt(i - 1) === 46) return false;
      if (pos === 3) return false;
      out[at + pos] = val;
      pos++;
      val = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  if (pos < 3) return false;
  out[at + 3] = val;
  return true;
}

/** Go's netip parseIPv6, including `::` and a trailing embedded IPv4. */
function parseIPv6(input: string, out: Uint8Array): boolean {
  let end = input.length;
  const percent = input.indexOf('%');
  if (percent >= 0) {
    if (percent === input.length - 1) return false;
    end = percent;
  }
  out.fill(0);
  let s = 0;
  let ellipsis = -1;
  if (end - s >= 2 && input.charCodeAt(s) === 58 && input.charCodeAt(s + 1) === 58) {
    ellipsis = 0;
    s += 2;
    if (s === end) return true;
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; s + off < end; off++) {
      const c = input.charCodeAt(s + off);
      const d = hexValue(c);
      if (d < 0) break;
      acc = acc * 16 + d;
      if (off > 3 || acc > 0xffff) return false;
    }
    if (off === 0) return false;
    if (s + off < end && input.charCodeAt(s + off) === 46) {
      if (ellipsis < 0 && i !== 12) return false;
      if (i + 4 > 16) return false;
      if (!parseIPv4(input, s, end, out, i)) return false;
      s = end;
      i += 4;
      break;
    }
    out[i] = acc >> 8;
    out[i + 1] = acc & 0xff;
    i += 2;
    s += off;
    if (s === end) break;
    if (input.charCodeAt(s) !== 58) return false;
    if (s + 1 === end) return false;
    s++;
    if (input.charCodeAt(s) === 58) {
      if (ellipsis >= 0) return false;
      ellipsis = i;
      s++;
      if (s === end) break;
    }
  }
  if (s !== end) return false;
  if (i < 16) {
    if (ellipsis < 0) return false;
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) out[j + n] = out[j]!;
    for (let j = ellipsis; j < ellipsis + n; j++) out[j] = 0;
  } else if (ellipsis >= 0) {
    return false;
  }
  return true;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
