/**
 * IP address and CIDR checks for `sourceRange`, `trustedIPs` and `excludedIPs` lists.
 */
import { isIP } from 'node:net';
import { addIssue } from './issue-codes.ts';
import { stringList } from './scalar-schemas.ts';

/** True for an IPv4/IPv6 address or a CIDR range (`10.0.0.0/8`, `::1/128`). */
export function isIpOrCidr(text: string): boolean {
  const [address = '', prefix, extra] = text.split('/');
  if (extra !== undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
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
