/**
 * `ipStrategy` [Traefik pkg/ip/strategy.go] (reference §9): which address of a request is the
 * client's, for ipAllowList, rateLimit and inFlightReq.
 *
 *  - `depth` n > 0: the n-th address from the right of X-Forwarded-For; '' when it has fewer.
 *    It wins over `excludedIPs`.
 *  - `excludedIPs`: scanning X-Forwarded-For from the right, the first address not in the list;
 *    '' when every address is excluded.
 *  - neither: the TCP peer.
 *  - `ipv6Subnet` (with depth or the peer, not with excludedIPs, as in Traefik): an IPv6 result
 *    becomes the first address of its subnet of that prefix length, so a client cannot escape a
 *    limit by rotating through the addresses of its own prefix.
 *
 * X-Forwarded-For as middlewares see it was already cleared by the entry point when the peer is
 * not trusted (forwardedHeaders.trustedIPs), and does not contain the peer yet (the proxy adds
 * it when forwarding), exactly as in Traefik.
 */
import type { IpStrategyConfig } from '../../config/dynamic.ts';
import type { RequestHead } from '../../lib/exchange.ts';
import { createIpRangeSet, parseIp, type IpRangeSet } from '../../lib/ip-range.ts';
import { MiddlewareConfigError } from '../middleware.ts';

/** Picks the client address of a request; '' when the strategy finds none. */
export type IpStrategy = (request: RequestHead) => string;

/**
 * Builds the strategy for `config` (undefined: the TCP peer). `field` is the config path of the
 * ipStrategy object, for errors (`ipStrategy`, `sourceCriterion.ipStrategy`).
 */
export function createIpStrategy(config: IpStrategyConfig | undefined, field = 'ipStrategy'): IpStrategy {
  const subnet = config?.ipv6Subnet;
  const mask = subnet === undefined ? null : ipv6SubnetMasker(subnet);
  const depth = config?.depth ?? 0;
  if (depth > 0) {
    return mask === null ? (request) => fromDepth(request, depth) : (request) => mask(fromDepth(request, depth));
  }
  const excluded = config?.excludedIPs ?? [];
  if (excluded.length > 0) {
    const set = excludedSet(excluded, `${field}.excludedIPs`);
    return (request) => firstNotExcluded(request, set);
  }
  return mask === null ? (request) => request.remoteAddress : (request) => mask(request.remoteAddress);
}

/** X-Forwarded-For as one list: every line joined, as after the entry point folded them. */
function forwardedFor(headers: readonly string[]): string {
  let value: string | null = null;
  for (let i = 0; i < headers.length; i += 2) {
    const key = headers[i]!;
    if (key.length === 15 && key.toLowerCase() === 'x-forwarded-for') value = value === null ? headers[i + 1]! : `${value},${headers[i + 1]!}`;
  }
  return value ?? '';
}

function fromDepth(request: RequestHead, depth: number): string {
  const parts = forwardedFor(request.headers).split(',');
  if (parts.length < depth) return '';
  return parts[parts.length - depth]!.trim();
}

function firstNotExcluded(request: RequestHead, excluded: IpRangeSet): string {
  const parts = forwardedFor(request.headers).split(',');
  for (let i = parts.length - 1; i >= 0; i--) {
    const candidate = parts[i]!.trim();
    if (candidate !== '' && !excluded.contains(candidate)) return candidate;
  }
  return '';
}

function excludedSet(entries: readonly string[], field: string): IpRangeSet {
  const { set, invalid } = createIpRangeSet(entries);
  if (invalid.length > 0) {
    const index = entries.indexOf(invalid[0]!);
    throw new MiddlewareConfigError('MIDDLEWARE_INVALID_CIDR', `${field}[${index}]`,
      `expected an IP address or CIDR range like "10.0.0.0/8", got "${invalid[0]!}"`);
  }
  return set;
}

/**
 * Returns a function that maps an IPv6 address to the first address of its `/prefix` subnet,
 * written in canonical form (RFC 5952, as Go prints it); anything else is returned unchanged.
 */
export function ipv6SubnetMasker(prefix: number): (address: string) => string {
  const all = (1n << 128n) - 1n;
  const mask = all ^ ((1n << BigInt(128 - prefix)) - 1n);
  return (address) => {
    if (!address.includes(':')) return address;
    const ip = parseIp(address);
    if (ip === null || !ip.v6) return address;
    return formatIpv6(ip.value & mask);
  };
}

/** Writes a 128-bit value as an IPv6 address: lower-case, longest zero run (≥ 2 groups) as `::`. */
export function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
