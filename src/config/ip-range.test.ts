import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIpOrCidr } from './ip-range.ts';

test('accepts IPs and CIDR ranges, rejects anything else', () => {
  for (const ok of ['10.0.0.0/8', '192.168.1.7', '::1', '2001:db8::/32', '0.0.0.0/0']) assert.equal(isIpOrCidr(ok), true, ok);
  for (const bad of ['not-an-ip', '10.0.0.0/33', '10.0.0/8', '::1/129', '1.2.3.4/x', '']) assert.equal(isIpOrCidr(bad), false, bad);
});
