import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileHttpRule } from './http-rule.ts';
import { runCases } from './testing/match-cases.ts';

describe('ClientIP', () => {
  runCases([
    { rule: 'ClientIP(`192.0.2.10`)', request: { remoteAddress: '192.0.2.10' }, expected: true },
    { rule: 'ClientIP(`192.0.2.10`)', request: { remoteAddress: '192.0.2.11' }, expected: false },
    { rule: 'ClientIP(`192.0.2.10`)', request: { remoteAddress: '::ffff:192.0.2.10' }, expected: true, why: 'IPv4-mapped peer from a dual-stack socket' },
    { rule: 'ClientIP(`::ffff:192.0.2.10`)', request: { remoteAddress: '192.0.2.10' }, expected: true, why: 'IPv4-mapped rule value' },
    { rule: 'ClientIP(`10.0.0.0/8`)', request: { remoteAddress: '10.200.3.4' }, expected: true },
    { rule: 'ClientIP(`10.0.0.0/8`)', request: { remoteAddress: '11.0.0.1' }, expected: false },
    { rule: 'ClientIP(`10.0.0.0/8`)', request: { remoteAddress: '::ffff:10.1.1.1' }, expected: true },
    { rule: 'ClientIP(`10.1.2.3/24`)', request: { remoteAddress: '10.1.2.200' }, expected: true, why: 'host bits are masked' },
    { rule: 'ClientIP(`10.1.2.3/24`)', request: { remoteAddress: '10.1.3.1' }, expected: false },
    { rule: 'ClientIP(`::ffff:10.0.0.0/104`)', request: { remoteAddress: '10.9.9.9' }, expected: true, why: 'a mapped prefix covers IPv4' },
    { rule: 'ClientIP(`2001:db8::/32`)', request: { remoteAddress: '2001:db8:1::5' }, expected: true },
    { rule: 'ClientIP(`2001:db8::/32`)', request: { remoteAddress: '2001:db9::5' }, expected: false },
    { rule: 'ClientIP(`2001:db8::/32`)', request: { remoteAddress: '10.0.0.1' }, expected: false, why: 'families never mix' },
    { rule: 'ClientIP(`0.0.0.0/0`)', request: { remoteAddress: '2001:db8::1' }, expected: false },
    { rule: 'ClientIP(`::/0`)', request: { remoteAddress: '10.0.0.1' }, expected: false },
    { rule: 'ClientIP(`::1`)', request: { remoteAddress: '0:0:0:0:0:0:0:1' }, expected: true },
    { rule: 'ClientIP(`fe80::1%eth0`)', request: { remoteAddress: 'fe80::1%lo' }, expected: true, why: 'zones are ignored' },
    { rule: 'ClientIP(`192.0.2.10`)', request: { remoteAddress: 'unknown' }, expected: false, why: 'an unparseable peer never matches' },
    { rule: 'ClientIP(`192.0.2.10`)', request: { remoteAddress: '' }, expected: false },
    { rule: 'ClientIP(`192.0.2.10`)', request: { remoteAddress: '192.0.2.10:5000' }, expected: false, why: 'the address has no port' },
  ]);
});

describe('ClientIP values', () => {
  const invalid = ['010.0.0.1', '10.0.0.300', '1.2.3', '1.2.3.4.5', '10.0.0.0/33', '10.0.0.0/08', '10.0.0.0/-1', '::1/129',
    '::1::', '1:2:3:4:5:6:7:8:9', '12345::', 'abc', '10.0.0.0/', '[::1]', 'fe80::1%'];
  for (const value of invalid) {
    test(`rejects ${value}`, () => {
      const compiled = compileHttpRule(`ClientIP(\`${value}\`)`, 'v3');
      assert.equal(compiled.ok, false);
      if (!compiled.ok) assert.equal(compiled.error.offset, 9);
    });
  }
  const valid = ['0.0.0.0', '255.255.255.255', '::', '::1', '1::', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6:1.2.3.4',
    '::ffff:1.2.3.4', 'fe80::1%eth0', '2001:DB8::/32', '10.0.0.0/0', '10.0.0.1/32', '::/128'];
  for (const value of valid) {
    test(`accepts ${value}`, () => assert.equal(compileHttpRule(`ClientIP(\`${value}\`)`, 'v3').ok, true));
  }
});
