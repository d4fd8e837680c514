import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';
import { CLIENT_HELLO_MAX_BYTES, decideClientHello, MAX_CLIENT_HELLO_LENGTH, parseClientHello, type ClientHelloParse } from './client-hello.ts';

// ---- real ClientHellos, captured from node's TLS client by a plain TCP server ----

let server: Server;
let port = 0;

before(async () => {
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => server.close());

/** The bytes a node TLS client sends first, read until the parser has decided. */
async function capture(options: ConnectionOptions): Promise<Buffer> {
  const received = new Promise<Buffer>((resolve) => {
    server.once('connection', (socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        const bytes = Buffer.concat(chunks);
        if (parseClientHello(bytes).kind !== 'incomplete') {
          socket.destroy();
          resolve(bytes);
        }
      });
    });
  });
  const client = connect({ host: '127.0.0.1', port, ...options });
  client.on('error', () => {}); // the server hangs up mid-handshake
  const bytes = await received;
  client.destroy();
  return bytes;
}

function hello(parsed: ClientHelloParse): { serverName: string; alpn: readonly string[] } {
  assert.equal(parsed.kind, 'hello', JSON.stringify(parsed));
  const { serverName, alpn } = parsed as Extract<ClientHelloParse, { kind: 'hello' }>;
  return { serverName, alpn };
}

/** The handshake bytes carried by a sequence of records. */
function handshakeOf(records: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < records.length;) {
    const length = records.readUInt16BE(at + 3);
    parts.push(records.subarray(at + 5, at + 5 + length));
    at += 5 + length;
  }
  return Buffer.concat(parts);
}

/** Handshake bytes cut into records of at most `size` bytes. */
function records(handshake: Buffer, size: number, version = 0x0301): Buffer {
  const out: Buffer[] = [];
  for (let at = 0; at < handshake.length; at += size) {
    const body = handshake.subarray(at, at + size);
    const head = Buffer.alloc(5);
    head[0] = 0x16;
    head.writeUInt16BE(version, 1);
    head.writeUInt16BE(body.length, 3);
    out.push(head, body);
  }
  return Buffer.concat(out);
}

test('reads the server name (lower-cased) and the ALPN protocols in order from a real ClientHello', async () => {
  const bytes = await capture({ servername: 'Example.COM', ALPNProtocols: ['h2', 'http/1.1'] });
  assert.deepEqual(hello(parseClientHello(bytes)), { serverName: 'example.com', alpn: ['h2', 'http/1.1'] });
});

test('a client connecting to an IP literal sends no server name', async () => {
  const bytes = await capture({ ALPNProtocols: ['acme-tls/1'] });
  assert.deepEqual(hello(parseClientHello(bytes)), { serverName: '', alpn: ['acme-tls/1'] });
});

test('reassembles a ClientHello split across two records, and across many', async () => {
  const bytes = await capture({ servername: 'split.example', ALPNProtocols: ['h2'] });
  const handshake = handshakeOf(bytes);
  const half = Math.ceil(handshake.length / 2);
  for (const size of [half, 100, 7, 1]) {
    assert.deepEqual(hello(parseClientHello(records(handshake, size))), { serverName: 'split.example', alpn: ['h2'] }, `records of ${size}`);
  }
});

test('reads a real ClientHello larger than one record (about 50 KiB of ALPN protocols)', async () => {
  const protocols = Array.from({ length: 200 }, (_, i) => `p${i}-`.padEnd(250, 'x'));
  const bytes = await capture({ servername: 'big.example', ALPNProtocols: protocols });
  assert.ok(bytes.length > 3 * 16384, `captured ${bytes.length} bytes`);
  assert.deepEqual(hello(parseClientHello(bytes)), { serverName: 'big.example', alpn: protocols });
});

test('asks for more bytes at every cut of a real ClientHello, with the exact total once a record head is known', async () => {
  const bytes = records(handshakeOf(await capture({ servername: 'cut.example' })), 300);
  for (let n = 0; n < bytes.length; n++) {
    const parsed = parseClientHello(bytes.subarray(0, n));
    assert.equal(parsed.kind, 'incomplete', `cut at ${n}`);
    if (parsed.kind === 'incomplete') assert.ok(parsed.need > n && parsed.need <= bytes.length, `need ${parsed.need} at ${n}`);
  }
  assert.equal(hello(parseClientHello(Buffer.concat([bytes, Buffer.from('trailing application data')]))).serverName, 'cut.example');
});

// ---- crafted ClientHellos ----

const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
const vec8 = (b: Buffer): Buffer => Buffer.concat([Buffer.from([b.length]), b]);
const vec16 = (b: Buffer): Buffer => Buffer.concat([u16(b.length), b]);
const extension = (type: number, data: Buffer): Buffer => Buffer.concat([u16(type), vec16(data)]);
const sni = (...names: [number, string][]): Buffer =>
  extension(0, vec16(Buffer.concat(names.map(([type, name]) => Buffer.concat([Buffer.from([type]), vec16(Buffer.from(name))])))));
const alpnExt = (...protocols: string[]): Buffer => extension(16, vec16(Buffer.concat(protocols.map((p) => vec8(Buffer.from(p))))));

interface Craft {
  readonly sessionId?: Buffer;
  readonly cipherSuites?: Buffer;
  readonly extensions?: Buffer | null;
  readonly after?: Buffer;
  readonly type?: number;
}

function craft({ sessionId = Buffer.alloc(32, 1), cipherSuites = Buffer.from('13011302', 'hex'), extensions = Buffer.alloc(0), after = Buffer.alloc(0), type = 1 }: Craft = {}): Buffer {
  const body = Buffer.concat([
    Buffer.from('0303', 'hex'), Buffer.alloc(32, 7), vec8(sessionId), vec16(cipherSuites), vec8(Buffer.from([0])),
    extensions === null ? Buffer.alloc(0) : vec16(extensions), after,
  ]);
  const head = Buffer.from([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]);
  return Buffer.concat([head, body]);
}

test('crafted ClientHellos: what is read', () => {
  const cases: [string, Buffer, { serverName: string; alpn: string[] }][] = [
    ['no extensions at all (TLS 1.2 style)', craft({ extensions: null }), { serverName: '', alpn: [] }],
    ['empty extension block', craft(), { serverName: '', alpn: [] }],
    ['IP literal server name (sent as is, as Go reads it)', craft({ extensions: sni([0, '127.0.0.1']) }), { serverName: '127.0.0.1', alpn: [] }],
    ['unknown name types are skipped', craft({ extensions: sni([5, 'other'], [0, 'Host.Example']) }), { serverName: 'host.example', alpn: [] }],
    ['other extensions are passed over', craft({ extensions: Buffer.concat([extension(0x2b, Buffer.from('0403040303', 'hex')), alpnExt('x', 'h2'), extension(0xff01, Buffer.from([0]))]) }),
      { serverName: '', alpn: ['x', 'h2'] }],
    ['record version 0x0300 (SSL 3.0 framing)', records(craft({ extensions: sni([0, 'a.b']) }), 1000, 0x0300), { serverName: 'a.b', alpn: [] }],
  ];
  for (const [name, handshakeOrRecords, want] of cases) {
    const bytes = handshakeOrRecords[0] === 0x16 ? handshakeOrRecords : records(handshakeOrRecords, 16384);
    assert.deepEqual(hello(parseClientHello(bytes)), want, name);
  }
});

test('crafted ClientHellos: TLS that cannot be read is invalid, with the reason', () => {
  const ok = sni([0, 'a.example']);
  const cases: [string, Buffer, string][] = [
    ['SSLv2-style hello', Buffer.from('8046010301002d', 'hex'), 'sslv2'],
    ['session id of 33 bytes', records(craft({ sessionId: Buffer.alloc(33) }), 16384), 'malformed'],
    ['odd cipher suite length', records(craft({ cipherSuites: Buffer.from('130113', 'hex') }), 16384), 'malformed'],
    ['the same extension twice', records(craft({ extensions: Buffer.concat([ok, ok]) }), 16384), 'malformed'],
    ['two host names', records(craft({ extensions: sni([0, 'a.example'], [0, 'b.example']) }), 16384), 'malformed'],
    ['a trailing dot', records(craft({ extensions: sni([0, 'a.example.']) }), 16384), 'malformed'],
    ['an empty host name', records(craft({ extensions: sni([0, '']) }), 16384), 'malformed'],
    ['an empty server name list', records(craft({ extensions: extension(0, vec16(Buffer.alloc(0))) }), 16384), 'malformed'],
    ['an empty ALPN list', records(craft({ extensions: extension(16, vec16(Buffer.alloc(0))) }), 16384), 'malformed'],
    ['an empty ALPN protocol', records(craft({ extensions: alpnExt('h2', '') }), 16384), 'malformed'],
    ['ALPN list shorter than its extension', records(craft({ extensions: extension(16, Buffer.concat([vec16(vec8(Buffer.from('h2'))), Buffer.from([0])])) }), 16384), 'malformed'],
    ['extension running past the block', records(craft({ extensions: Buffer.from('0000ffff00', 'hex') }), 16384), 'malformed'],
    ['bytes after the extensions', records(craft({ after: Buffer.from([1]) }), 16384), 'malformed'],
    ['a message too short for its random', records(Buffer.from('0100000403030000', 'hex'), 16384), 'malformed'],
    ['a ServerHello, not a ClientHello', records(craft({ type: 2 }), 16384), 'not-client-hello'],
    // The first record carries only part of the hello; an alert record follows.
    ['an alert record before the hello is complete', Buffer.concat([records(craft({ extensions: ok }).subarray(0, 10), 10), Buffer.from('1503010002022800', 'hex')]),
      'unexpected-record'],
    ['an empty handshake record', Buffer.from('1603010000', 'hex'), 'bad-record-length'],
    ['a record longer than TLS allows', Buffer.from('1603014801', 'hex'), 'bad-record-length'],
    ['a ClientHello announcing more than 64 KiB', records(Buffer.from('01010001', 'hex'), 16384), 'too-large'],
  ];
  for (const [name, bytes, problem] of cases) {
    assert.deepEqual(parseClientHello(bytes), { kind: 'invalid', problem }, name);
  }
});

test('a 64 KiB ClientHello is read and one byte more is refused', () => {
  const base = craft({ extensions: Buffer.concat([sni([0, 'max.example']), extension(0xfe0d, Buffer.alloc(0))]) });
  const padding = MAX_CLIENT_HELLO_LENGTH - (base.length - 4) - 4; // one more extension head (4 bytes)
  const largest = craft({ extensions: Buffer.concat([sni([0, 'max.example']), extension(0xfe0d, Buffer.alloc(0)), extension(0x0015, Buffer.alloc(padding))]) });
  assert.equal(largest.length - 4, MAX_CLIENT_HELLO_LENGTH);
  const bytes = records(largest, 16384);
  assert.ok(bytes.length <= CLIENT_HELLO_MAX_BYTES);
  assert.deepEqual(hello(parseClientHello(bytes)), { serverName: 'max.example', alpn: [] });
  const tooLarge = craft({ extensions: Buffer.concat([sni([0, 'max.example']), extension(0xfe0d, Buffer.alloc(0)), extension(0x0015, Buffer.alloc(padding + 1))]) });
  assert.deepEqual(parseClientHello(records(tooLarge, 16384).subarray(0, 9)), { kind: 'invalid', problem: 'too-large' });
});

test('records so small that they exceed the byte bound are refused before the end', () => {
  const bytes = records(craft({ extensions: extension(0x0015, Buffer.alloc(30000)) }), 2);
  assert.ok(bytes.length > CLIENT_HELLO_MAX_BYTES);
  assert.deepEqual(parseClientHello(bytes.subarray(0, CLIENT_HELLO_MAX_BYTES + 10)), { kind: 'invalid', problem: 'too-large' });
  // While under the bound it is only incomplete.
  assert.equal(parseClientHello(bytes.subarray(0, 30000)).kind, 'incomplete');
});

test('what is not TLS', () => {
  const cases = [
    Buffer.from('GET / HTTP/1.1\r\n'),
    Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
    Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n'),
    Buffer.from('1600', 'hex'), // handshake type, implausible version
    Buffer.from('164142', 'hex'),
    Buffer.from('170303', 'hex'), // application data first
    Buffer.from([0]),
  ];
  for (const bytes of cases) assert.deepEqual(parseClientHello(bytes), { kind: 'not-tls' }, bytes.toString('hex'));
  assert.deepEqual(parseClientHello(Buffer.alloc(0)), { kind: 'incomplete', need: 1 });
  assert.deepEqual(parseClientHello(Buffer.from([0x16])), { kind: 'incomplete', need: 5 });
});

test('never throws on garbage behind a handshake record head', () => {
  let seed = 11;
  const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
  for (let i = 0; i < 1000; i++) {
    const body = Buffer.from(Array.from({ length: 4 + (i % 300) }, next));
    if (i % 2 === 0) body[0] = 1; // often a ClientHello type, so the body parser runs
    const parsed = parseClientHello(records(body, 16384));
    assert.ok(['hello', 'invalid', 'incomplete'].includes(parsed.kind));
  }
});

test('as a peek decision, nothing is consumed', () => {
  const bytes = records(craft({ extensions: sni([0, 'peek.example']) }), 16384);
  assert.deepEqual(decideClientHello(bytes), { done: true, value: { kind: 'hello', serverName: 'peek.example', alpn: [] } });
  assert.deepEqual(decideClientHello(bytes.subarray(0, 5)), { done: false, atLeast: bytes.length });
  assert.deepEqual(decideClientHello(Buffer.from('GET')), { done: true, value: { kind: 'not-tls' } });
});
