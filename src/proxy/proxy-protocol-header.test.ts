import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeProxyHeader } from './proxy-protocol-header.ts';

const SIG = '0d0a0d0a000d0a515549540a';

test('writes version 1 lines as go-proxyproto formats them', () => {
  const cases: [string, string, number, string, number, string][] = [
    ['IPv4 to IPv4', '192.168.0.1', 56324, '192.168.0.11', 443, 'PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n'],
    ['IPv6 to IPv6, canonical form', '2001:0DB8:0:0:0:0:0:1', 1, '::1', 2, 'PROXY TCP6 2001:db8::1 ::1 1 2\r\n'],
    ['IPv4-mapped counts as IPv4', '::ffff:10.0.0.1', 1, '::ffff:10.0.0.2', 2, 'PROXY TCP4 10.0.0.1 10.0.0.2 1 2\r\n'],
    ['mixed families become TCP6 with a mapped IPv4', '10.0.0.1', 1, '2001:db8::1', 2, 'PROXY TCP6 ::ffff:10.0.0.1 2001:db8::1 1 2\r\n'],
    ['mixed the other way', '2001:db8::1', 1, '10.0.0.1', 2, 'PROXY TCP6 2001:db8::1 ::ffff:10.0.0.1 1 2\r\n'],
    ['zone dropped', 'fe80::1%eth0', 1, 'fe80::2', 2, 'PROXY TCP6 fe80::1 fe80::2 1 2\r\n'],
    ['ports at both ends of the range', '1.2.3.4', 0, '5.6.7.8', 65535, 'PROXY TCP4 1.2.3.4 5.6.7.8 0 65535\r\n'],
    ['no address: UNKNOWN', '', 1, '5.6.7.8', 2, 'PROXY UNKNOWN\r\n'],
    ['host name: UNKNOWN', 'localhost', 1, '5.6.7.8', 2, 'PROXY UNKNOWN\r\n'],
  ];
  for (const [name, src, sport, dst, dport, want] of cases) {
    assert.equal(encodeProxyHeader(1, { address: src, port: sport }, { address: dst, port: dport }).toString('latin1'), want, name);
  }
});

test('writes version 2 headers byte for byte', () => {
  const cases: [string, string, number, string, number, string][] = [
    ['TCP4 (the spec layout)', '192.168.0.1', 56324, '192.168.0.11', 443, `${SIG}2111000cc0a80001c0a8000bdc0401bb`],
    ['TCP6', '2001:db8::1', 8080, '::1', 80, `${SIG}2121002420010db8000000000000000000000001000000000000000000000000000000011f900050`],
    ['mixed: IPv4 side mapped', '127.0.0.1', 1, '::1', 2, `${SIG}2121002400000000000000000000ffff7f000001${'00'.repeat(15)}0100010002`],
    ['no address: LOCAL, UNSPEC, empty block', '', 1, '::1', 2, `${SIG}20000000`],
  ];
  for (const [name, src, sport, dst, dport, want] of cases) {
    assert.equal(encodeProxyHeader(2, { address: src, port: sport }, { address: dst, port: dport }).toString('hex'), want, name);
  }
});

test('a port outside 0-65535 is a bug in the caller', () => {
  for (const port of [-1, 65536, 1.5, Number.NaN]) {
    assert.throws(() => encodeProxyHeader(2, { address: '1.2.3.4', port }, { address: '1.2.3.4', port: 1 }), RangeError);
    assert.throws(() => encodeProxyHeader(1, { address: '1.2.3.4', port: 1 }, { address: '1.2.3.4', port }), RangeError);
  }
});

test('version 1 lines stay within the 107 bytes a receiver must accept', () => {
  const longest = encodeProxyHeader(1, { address: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', port: 65535 }, { address: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', port: 65535 });
  assert.equal(longest.length, 104);
});
