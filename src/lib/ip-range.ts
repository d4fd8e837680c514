/**
 * IP addresses and CIDR ranges, for trustedIPs and allow lists. Addresses are parsed to
 * bigints once at build time; a check on the request path parses the peer address only.
 */
import { isIPv4, isIPv6 } from 'node:net';

interface Range {
  readonly v6: boolean;
  readonly base: bigint;
  readonly mask: bigint;
}

/** A set of IP ranges; `contains` accepts IPv4, IPv6 and IPv4-mapped IPv6 addresses. */
export interface IpRangeSet {
  contains(address: string): boolean;
  readonly empty: boolean;
}

function parseV4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | null {
  const zone = s.indexOf('%');
  const addr = zone >= 0 ? s.slice(0, zone) : s;
  if (!isIPv6(addr)) return null;
  let text = addr;
  let tail: bigint | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tail = parseV4(text.slice(lastColon + 1));
    if (tail === null) return null;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head = '', rest] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...Array<string>(8 - h.length - r.length).fill('0'), ...r];
  if (groups.length !== 8) return null;
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(parseInt(g, 16));
  if (tail !== null) v = (v & ~0xffffffffn) | tail;
  return v;
}

const MAPPED_PREFIX = 0xffffn << 32n;

/** Parses an address to `{v6, value}`; IPv4-mapped IPv6 addresses become IPv4. */
export function parseIp(address: string): { v6: boolean; value: bigint } | null {
  if (isIPv4(address)) return { v6: false, value: parseV4(address)! };
  const v = parseV6(address);
  if (v === null) return null;
  if (v >> 32n === 0xffffn) return { v6: false, value: v - MAPPED_PREFIX };
  return { v6: true, value: v };
}

/** Parses one IP or CIDR; host bits are masked off as Go's net.ParseCIDR does. */
export function parseRange(text: string): Range | null {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text.trim() : text.slice(0, slash).trim());
  if (ip === null) return null;
  const bits = ip.v6 ? 128 : 32;
  let prefix = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    // An IPv4-mapped address with an IPv6-length prefix: count the prefix over the IPv4 part.
    if (!ip.v6 && isIPv6(text.slice(0, slash).trim())) prefix -= 96;
    if (prefix < 0 || prefix > bits) return null;
  }
  const all = (1n << BigInt(bits)) - 1n;
  const mask = all ^ ((1n << BigInt(bits - prefix)) - 1n);
  return { v6: ip.v6, base: ip.value & mask, mask };
}

/**
 * Builds a set from IPs and CIDRs. Invalid entries are returned in `invalid` so the caller can
 * report them as diagnostics.
 */
export function createIpRangeSet(entries: readonly string[]): { set: IpRangeSet; invalid: string[] } {
  const ranges: Range[] = [];
  const invalid: string[] = [];
  for (const e of entries) {
    const r = parseRange(e);
    if (r === null) invalid.push(e);
    else ranges.push(r);
  }
  const set: IpRangeSet = {
    empty: ranges.length === 0,
    contains(address) {
      if (ranges.length === 0) return false;
      const ip = parseIp(address);
      if (ip === null) return false;
      for (const r of ranges) if (r.v6 === ip.v6 && (ip.value & r.mask) === r.base) return true;
      return false;
    },
  };
  return { set, invalid };
}
