import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeProxyHeader } from '../../proxy/proxy-protocol-header.ts';
import { decideProxyHeader, parseProxyHeader, type ProxyHeaderParse } from './proxy-protocol.ts';

const SIG = '0d0a0d0a000d0a515549540a';
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const text = (s: string): Buffer => Buffer.from(s, 'latin1');

function header(parsed: ProxyHeaderParse): Extract<ProxyHeaderParse, { kind: 'header' }> {
  assert.equal(parsed.kind, 'header', JSON.stringify(parsed));
  return parsed as Extract<ProxyHeaderParse, { kind: 'header' }>;
}

test('parses the spec examples and common headers, reporting their length', () => {
  const cases: [string, Buffer, number, object][] = [
    ['spec v1 example before an HTTP request', text('PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET / HTTP/1.1\r\nHost: 192.168.0.11\r\n\r\n'), 47,
      { version: 1, command: 'proxy', family: 'tcp4', source: { address: '192.168.0.1', port: 56324 }, destination: { address: '192.168.0.11', port: 443 } }],
    ['v1 TCP6, written uncompressed and upper-case', text('PROXY TCP6 2001:0DB8:0:0:0:0:0:1 ::1 65535 0\r\n'), 46,
      { version: 1, command: 'proxy', family: 'tcp6', source: { address: '2001:db8::1', port: 65535 }, destination: { address: '::1', port: 0 } }],
    ['v1 TCP6 with an IPv4-mapped source (shown as IPv4, like Go)', text('PROXY TCP6 ::ffff:10.0.0.1 ::1 1 2\r\n'), 36,
      { version: 1, command: 'proxy', family: 'tcp6', source: { address: '10.0.0.1', port: 1 }, destination: { address: '::1', port: 2 } }],
    ['v1 longest TCP4 line (56 bytes)', text('PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n'), 56,
      { version: 1, command: 'proxy', family: 'tcp4', source: { address: '255.255.255.255', port: 65535 }, destination: { address: '255.255.255.255', port: 65535 } }],
    ['v1 UNKNOWN short form', text('PROXY UNKNOWN\r\n'), 15, { version: 1, command: 'local', family: 'unspec', source: null, destination: null }],
    ['v1 UNKNOWN worst case (107 bytes), rest of line ignored',
      text(`PROXY UNKNOWN ${'ffff:'.repeat(7)}ffff ${'ffff:'.repeat(7)}ffff 65535 65535\r\n`), 107,
      { version: 1, command: 'local', family: 'unspec', source: null, destination: null }],
    ['spec v2 layout, TCP over IPv4', hex(`${SIG} 21 11 000c c0a80001 c0a8000b dc04 01bb`), 28,
      { version: 2, command: 'proxy', family: 'tcp4', source: { address: '192.168.0.1', port: 56324 }, destination: { address: '192.168.0.11', port: 443 } }],
    ['v2 TCP over IPv6', hex(`${SIG} 21 21 0024 20010db8000000000000000000000001 00000000000000000000000000000001 1f90 0050`), 52,
      { version: 2, command: 'proxy', family: 'tcp6', source: { address: '2001:db8::1', port: 8080 }, destination: { address: '::1', port: 80 } }],
    ['v2 IPv4-mapped IPv6 source is shown as IPv4', hex(`${SIG} 21 21 0024 00000000000000000000ffff7f000001 00000000000000000000000000000001 0001 0002`), 52,
      { version: 2, command: 'proxy', family: 'tcp6', source: { address: '127.0.0.1', port: 1 }, destination: { address: '::1', port: 2 } }],
    ['v2 with TLVs (ALPN "h2", NOOP padding) skipped', hex(`${SIG} 21 11 0017 01020304 05060708 0001 0002 01 0002 6832 04 0003 000000`), 39,
      { version: 2, command: 'proxy', family: 'tcp4', source: { address: '1.2.3.4', port: 1 }, destination: { address: '5.6.7.8', port: 2 } }],
    ['v2 LOCAL with no address (health check)', hex(`${SIG} 20 00 0000`), 16, { version: 2, command: 'local', family: 'unspec', source: null, destination: null }],
    ['v2 LOCAL with a TCP4 block keeps the real peer', hex(`${SIG} 20 11 000c 01020304 05060708 0001 0002`), 28,
      { version: 2, command: 'local', family: 'tcp4', source: null, destination: null }],
    ['v2 LOCAL with a length shorter than its family still skips exactly that', hex(`${SIG} 20 21 0003 aabbcc`), 19,
      { version: 2, command: 'local', family: 'tcp6', source: null, destination: null }],
    ['v2 UDP keeps the real peer', hex(`${SIG} 21 12 000c 01020304 05060708 0001 0002`), 28,
      { version: 2, command: 'proxy', family: 'udp4', source: null, destination: null }],
    ['v2 UNIX stream keeps the real peer', Buffer.concat([hex(`${SIG} 21 31 00d8`), Buffer.alloc(216)]), 232,
      { version: 2, command: 'proxy', family: 'unix-stream', source: null, destination: null }],
  ];
  for (const [name, bytes, length, expected] of cases) {
    const parsed = header(parseProxyHeader(bytes));
    assert.equal(parsed.length, length, name);
    assert.deepEqual(parsed.header, expected, name);
  }
});

test('refuses malformed headers with a stable code', () => {
  const cases: [string, Buffer, string][] = [
    ['v1 without CRLF in 107 bytes', text(`PROXY UNKNOWN ${'x'.repeat(100)}`), 'PROXY_V1_TOO_LONG'],
    ['v1 ending with a bare LF', text('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n'), 'PROXY_V1_NO_CRLF'],
    ['v1 PROXY not followed by one space', text('PROXYX TCP4 1.2.3.4 5.6.7.8 1 2\r\n'), 'PROXY_V1_BAD_FORMAT'],
    ['v1 with nothing after PROXY', text('PROXY\r\n'), 'PROXY_V1_BAD_FORMAT'],
    ['v1 unknown protocol', text('PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n'), 'PROXY_V1_BAD_PROTOCOL'],
    ['v1 lower-case protocol', text('PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n'), 'PROXY_V1_BAD_PROTOCOL'],
    ['v1 two spaces', text('PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n'), 'PROXY_V1_BAD_PROTOCOL'],
    ['v1 missing a port', text('PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n'), 'PROXY_V1_BAD_FORMAT'],
    ['v1 trailing field', text('PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n'), 'PROXY_V1_BAD_FORMAT'],
    ['v1 trailing space', text('PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n'), 'PROXY_V1_BAD_FORMAT'],
    ['v1 IPv6 in TCP4', text('PROXY TCP4 ::1 5.6.7.8 1 2\r\n'), 'PROXY_V1_BAD_ADDRESS'],
    ['v1 IPv4 in TCP6', text('PROXY TCP6 1.2.3.4 ::1 1 2\r\n'), 'PROXY_V1_BAD_ADDRESS'],
    ['v1 IPv4 leading zero', text('PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n'), 'PROXY_V1_BAD_ADDRESS'],
    ['v1 IPv6 zone', text('PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n'), 'PROXY_V1_BAD_ADDRESS'],
    ['v1 host name', text('PROXY TCP4 example.com 5.6.7.8 1 2\r\n'), 'PROXY_V1_BAD_ADDRESS'],
    ['v1 port leading zero', text('PROXY TCP4 1.2.3.4 5.6.7.8 080 443\r\n'), 'PROXY_V1_BAD_PORT'],
    ['v1 signed port', text('PROXY TCP4 1.2.3.4 5.6.7.8 +80 443\r\n'), 'PROXY_V1_BAD_PORT'],
    ['v1 port above 65535', text('PROXY TCP4 1.2.3.4 5.6.7.8 80 65536\r\n'), 'PROXY_V1_BAD_PORT'],
    ['v1 empty port', text('PROXY TCP4 1.2.3.4 5.6.7.8  443\r\n'), 'PROXY_V1_BAD_PORT'],
    ['v2 version 1 nibble', hex(`${SIG} 11 11 000c 01020304 05060708 0001 0002`), 'PROXY_V2_BAD_VERSION'],
    ['v2 version 3 nibble', hex(`${SIG} 31`), 'PROXY_V2_BAD_VERSION'],
    ['v2 command 2', hex(`${SIG} 22 11 000c`), 'PROXY_V2_BAD_COMMAND'],
    ['v2 family 4', hex(`${SIG} 21 41 000c`), 'PROXY_V2_BAD_FAMILY'],
    ['v2 protocol 3', hex(`${SIG} 21 13`), 'PROXY_V2_BAD_FAMILY'],
    ['v2 PROXY with UNSPEC', hex(`${SIG} 21 00 0000`), 'PROXY_V2_BAD_FAMILY'],
    ['v2 PROXY TCP4 with a short block', hex(`${SIG} 21 11 000b 01020304 05060708 0001 00`), 'PROXY_V2_BAD_LENGTH'],
    ['v2 PROXY TCP6 with a TCP4-sized block', hex(`${SIG} 21 21 000c 01020304 05060708 0001 0002`), 'PROXY_V2_BAD_LENGTH'],
    ['v2 PROXY UNIX with a short block', hex(`${SIG} 21 31 000c 01020304 05060708 0001 0002`), 'PROXY_V2_BAD_LENGTH'],
    ['v2 length over the limit (refused before its bytes arrive)', hex(`${SIG} 21 11 1001`), 'PROXY_V2_TOO_LONG'],
    ['v2 TLV running past the block', hex(`${SIG} 21 11 0010 01020304 05060708 0001 0002 01 0005 68`), 'PROXY_V2_BAD_TLV'],
    ['v2 stray bytes after the TLVs', hex(`${SIG} 21 11 000e 01020304 05060708 0001 0002 0100`), 'PROXY_V2_BAD_TLV'],
  ];
  for (const [name, bytes, code] of cases) {
    const parsed = parseProxyHeader(bytes);
    assert.equal(parsed.kind, 'error', `${name}: ${JSON.stringify(parsed)}`);
    if (parsed.kind === 'error') {
      assert.equal(parsed.code, code, name);
      assert.match(parsed.message, /^PROXY v[12] /, name);
    }
  }
});

test('anything that does not start with a signature is not a PROXY header', () => {
  const cases = [
    text('GET / HTTP/1.1\r\n'),
    text('PRI * HTTP/2.0\r\n'),
    text('PROXZ'),
    text('proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n'),
    hex('160301'), // a TLS record
    hex('0d0a0d0a000d0a5155495400'), // the v2 signature with its last byte wrong
    hex('0d0a0d0a01'),
    text('\r\nGET'),
  ];
  for (const bytes of cases) assert.deepEqual(parseProxyHeader(bytes), { kind: 'not-proxy' }, bytes.toString('hex'));
});

test('asks for more bytes until a header is complete, whatever the split', () => {
  const headers = [
    text('PROXY TCP6 2001:db8::1 2001:db8::2 12345 443\r\n'),
    text('PROXY UNKNOWN\r\n'),
    hex(`${SIG} 21 21 0024 20010db8000000000000000000000001 20010db8000000000000000000000002 3039 01bb`),
    hex(`${SIG} 21 11 0017 01020304 05060708 0001 0002 01 0002 6832 04 0003 000000`),
    hex(`${SIG} 20 00 0000`),
  ];
  for (const bytes of headers) {
    for (let n = 0; n < bytes.length; n++) {
      const parsed = parseProxyHeader(bytes.subarray(0, n));
      assert.equal(parsed.kind, 'incomplete', `${bytes.toString('hex')} cut at ${n}`);
      if (parsed.kind === 'incomplete') assert.ok(parsed.need > n && parsed.need <= bytes.length, `need ${parsed.need} at ${n}`);
    }
    const data = text('after');
    assert.equal(header(parseProxyHeader(Buffer.concat([bytes, data]))).length, bytes.length);
  }
});

test('a v2 header announces its full length as soon as its fixed part arrives', () => {
  const parsed = parseProxyHeader(hex(`${SIG} 21 11 0017 0102`));
  assert.deepEqual(parsed, { kind: 'incomplete', need: 16 + 0x17 });
});

test('garbage after a PROXY signature is an error, never a throw', () => {
  // Deterministic pseudo-random bytes behind each signature.
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
  for (let i = 0; i < 500; i++) {
    const tail = Buffer.from(Array.from({ length: 1 + (i % 120) }, next));
    for (const prefix of [text('PROXY '), hex(SIG)]) {
      const parsed = parseProxyHeader(Buffer.concat([prefix, tail]));
      assert.ok(['header', 'error', 'incomplete'].includes(parsed.kind), JSON.stringify(parsed));
    }
  }
});

test('a v2 length limit can be raised', () => {
  const tlv = Buffer.concat([hex('e0 1400'), Buffer.alloc(0x1400)]);
  const bytes = Buffer.concat([hex(`${SIG} 21 11`), Buffer.from([(12 + tlv.length) >> 8, (12 + tlv.length) & 0xff]), hex('01020304 05060708 0001 0002'), tlv]);
  assert.equal(parseProxyHeader(bytes).kind, 'error');
  assert.equal(header(parseProxyHeader(bytes, { maxV2Length: 65535 })).length, bytes.length);
});

test('encoder output parses back to the same endpoints, both versions and families', () => {
  const cases: [{ address: string; port: number }, { address: string; port: number }, string, object, object][] = [
    [{ address: '192.0.2.1', port: 51234 }, { address: '198.51.100.7', port: 443 }, 'tcp4', { address: '192.0.2.1', port: 51234 }, { address: '198.51.100.7', port: 443 }],
    [{ address: '2001:db8::5', port: 1 }, { address: '2001:db8::1', port: 65535 }, 'tcp6', { address: '2001:db8::5', port: 1 }, { address: '2001:db8::1', port: 65535 }],
    [{ address: '::ffff:10.1.2.3', port: 80 }, { address: '10.0.0.1', port: 8080 }, 'tcp4', { address: '10.1.2.3', port: 80 }, { address: '10.0.0.1', port: 8080 }],
    [{ address: '10.1.2.3', port: 0 }, { address: '2001:db8::1', port: 443 }, 'tcp6', { address: '10.1.2.3', port: 0 }, { address: '2001:db8::1', port: 443 }],
    [{ address: 'fe80::1%eth0', port: 5 }, { address: 'fe80::2', port: 6 }, 'tcp6', { address: 'fe80::1', port: 5 }, { address: 'fe80::2', port: 6 }],
  ];
  for (const version of [1, 2] as const) {
    for (const [source, destination, family, wantSource, wantDestination] of cases) {
      const encoded = encodeProxyHeader(version, source, destination);
      const parsed = header(parseProxyHeader(Buffer.concat([encoded, text('GET / HTTP/1.1\r\n')])));
      assert.equal(parsed.length, encoded.length);
      assert.deepEqual(parsed.header, { version, command: 'proxy', family, source: wantSource, destination: wantDestination }, `v${version} ${source.address}`);
    }
    const unknown = header(parseProxyHeader(encodeProxyHeader(version, { address: '', port: 0 }, { address: '10.0.0.1', port: 1 })));
    assert.deepEqual(unknown.header, { version, command: 'local', family: 'unspec', source: null, destination: null });
  }
});

test('as a peek decision, a header is consumed and anything else is not', () => {
  const withData = text('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\nGET /');
  const decided = decideProxyHeader(withData);
  assert.equal(decided.done, true);
  if (decided.done) assert.equal(decided.consume, 32);
  assert.deepEqual(decideProxyHeader(text('PROX')), { done: false, atLeast: 5 });
  const plain = decideProxyHeader(text('GET / HTTP/1.1\r\n'));
  assert.deepEqual(plain, { done: true, value: { kind: 'not-proxy' }, consume: 0 });
  const bad = decideProxyHeader(text('PROXY TCP9\r\n'));
  assert.equal(bad.done && bad.value.kind, 'error');
  assert.equal(bad.done && bad.consume, 0);
});
