/**
 * IP address and CIDR lists (`sourceRange`, `trustedIPs`, `excludedIPs`), validated with the
 * same parser the runtime uses (lib/ip-range), so what passes here is what will match.
 */
import { parseRange } from '../lib/ip-range.ts';
import { addIssue } from './issue-codes.ts';
import { stringList } from './scalar-schemas.ts';

/** True for an IPv4/IPv6 address or a CIDR range (`10.0.0.0/8`, `::1/128`). */
export function isIpOrCidr(text: string): boolean {
  return parseRange(text) !== null;
}

/** A list of IP addresses or CIDR ranges; each bad entry is an error at its index. */
export function ipRangeList() {
  return stringList().superRefine((list, ctx) => {
    list.forEach((entry, index) => {
      if (!isIpOrCidr(entry)) {
        addIssue(ctx, 'CONFIG_INVALID_VALUE', `expected an IP address or CIDR range like "10.0.0.0/8", got "${entry}"`, [index]);
      }
    });
  });
}
