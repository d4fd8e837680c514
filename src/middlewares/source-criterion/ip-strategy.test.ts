import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipStrategySchema } from '../../config/dynamic.ts';
import { MiddlewareConfigError } from '../middleware.ts';
import { fakeExchange } from '../testing/fake-exchange.ts';
import { createIpStrategy, formatIpv6, ipv6SubnetMasker } from './ip-strategy.ts';

interface Case {
  readonly title: string;
  /** The ipStrategy as a user writes it; undefined for no ipStrategy at all. */
  readonly config: unknown;
  readonly peer?: string;
  /** X-Forwarded-For lines as received. */
  readonly xff?: readonly string[];
  readonly expected: string;
}

const cases: Case[] = [
  { title: 'without a strategy, takes the TCP peer', config: undefined, peer: '10.0.0.1', xff: ['1.1.1.1'], expected: '10.0.0.1' },
  { title: 'with an empty strategy, takes the TCP peer', config: {}, peer: '10.0.0.1', xff: ['1.1.1.1'], expected: '10.0.0.1' },
  { title: 'depth 1 takes the rightmost X-Forwarded-For address', config: { depth: 1 }, xff: ['1.1.1.1, 2.2.2.2, 3.3.3.3'], expected: '3.3.3.3' },
  { title: 'depth 3 takes the third address from the right', config: { depth: 3 }, xff: ['1.1.1.1, 2.2.2.2, 3.3.3.3'], expected: '1.1.1.1' },
  { title: 'depth beyond the list finds nothing', config: { depth: 4 }, xff: ['1.1.1.1, 2.2.2.2, 3.3.3.3'], expected: '' },
  { title: 'depth without X-Forwarded-For finds nothing', config: { depth: 1 }, expected: '' },
  { title: 'depth counts over every X-Forwarded-For line', config: { depth: 2 }, xff: ['1.1.1.1', '2.2.2.2,3.3.3.3'], expected: '2.2.2.2' },
  { title: 'depth 0 means the TCP peer', config: { depth: 0 }, peer: '10.0.0.1', xff: ['1.1.1.1'], expected: '10.0.0.1' },
  { title: 'depth wins over excludedIPs', config: { depth: 1, excludedIPs: ['3.3.3.3'] }, xff: ['1.1.1.1, 2.2.2.2, 3.3.3.3'], expected: '3.3.3.3' },
  { title: 'excludedIPs takes the first address from the right not excluded', config: { excludedIPs: ['3.3.3.3', '2.2.0.0/16'] }, xff: ['1.1.1.1, 2.2.2.2, 3.3.3.3'], expected: '1.1.1.1' },
  { title: 'excludedIPs skips empty entries', config: { excludedIPs: ['3.3.3.3'] }, xff: ['1.1.1.1, , 3.3.3.3'], expected: '1.1.1.1' },
  { title: 'excludedIPs finds nothing when every address is excluded', config: { excludedIPs: ['0.0.0.0/0'] }, xff: ['1.1.1.1, 2.2.2.2'], expected: '' },
  { title: 'excludedIPs returns a value that is not an address as is', config: { excludedIPs: ['3.3.3.3'] }, xff: ['1.1.1.1, unknown'], expected: 'unknown' },
  { title: 'excludedIPs without X-Forwarded-For finds nothing', config: { excludedIPs: ['3.3.3.3'] }, peer: '10.0.0.1', expected: '' },
  { title: 'ipv6Subnet masks an IPv6 peer', config: { ipv6Subnet: 64 }, peer: '2001:db8:1:2:3:4:5:6', expected: '2001:db8:1:2::' },
  { title: 'ipv6Subnet leaves an IPv4 peer alone', config: { ipv6Subnet: 64 }, peer: '10.0.0.1', expected: '10.0.0.1' },
  { title: 'ipv6Subnet masks the address chosen by depth', config: { depth: 1, ipv6Subnet: 48 }, xff: ['2001:db8:aa:bb::1'], expected: '2001:db8:aa::' },
  { title: 'ipv6Subnet does not apply to excludedIPs (as in Traefik)', config: { excludedIPs: ['10.0.0.0/8'], ipv6Subnet: 48 }, xff: ['2001:db8:aa:bb::1'], expected: '2001:db8:aa:bb::1' },
  { title: 'ipv6Subnet 128 writes the address canonically', config: { ipv6Subnet: 128 }, peer: '2001:DB8:0:0:0:0:0:1', expected: '2001:db8::1' },
];

describe('ipStrategy', () => {
  for (const c of cases) {
    it(c.title, () => {
      const config = c.config === undefined ? undefined : ipStrategySchema.parse(c.config);
      const headers = (c.xff ?? []).flatMap((line) => ['X-Forwarded-For', line]);
      const request = fakeExchange({ remoteAddress: c.peer ?? '192.0.2.10', headers }).request;
      assert.equal(createIpStrategy(config)(request), c.expected);
    });
  }

  it('refuses an excludedIPs entry that is not an address with MIDDLEWARE_INVALID_CIDR', () => {
    // The schema already refuses it; the factory checks again for configs built in code.
    assert.throws(() => createIpStrategy({ depth: 0, excludedIPs: ['10.0.0.0/8', 'nope'] }, 'sourceCriterion.ipStrategy'), (err: unknown) => {
      assert.ok(err instanceof MiddlewareConfigError);
      assert.equal(err.code, 'MIDDLEWARE_INVALID_CIDR');
      assert.equal(err.field, 'sourceCriterion.ipStrategy.excludedIPs[1]');
      return true;
    });
  });
});

describe('IPv6 subnets', () => {
  const table: [number, string, string][] = [
    [64, '2001:db8::1', '2001:db8::'],
    [0, '2001:db8::1', '::'],
    [16, 'fe80::1%eth0', 'fe80::'],
    [128, '1:0:0:1:0:0:0:1', '1:0:0:1::1'],
    [128, '1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
    [128, '0:0:1:0:0:1:0:0', '::1:0:0:1:0:0'],
  ];
  for (const [prefix, address, expected] of table) {
    it(`masks ${address} to /${prefix} as ${expected}`, () => {
      assert.equal(ipv6SubnetMasker(prefix)(address), expected);
    });
  }

  it('writes the longest run of zero groups as ::, the first one on a tie', () => {
    assert.equal(formatIpv6(0n), '::');
    assert.equal(formatIpv6((1n << 112n) | (1n << 64n) | 1n), '1:0:0:1::1');
    assert.equal(formatIpv6((1n << 112n) | (1n << 64n) | (1n << 32n)), '1::1:0:1:0:0');
  });
});
