import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect as http2Connect, createServer as createHttp2Server } from 'node:http2';
import { connect as netConnect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { duplexPair, type Readable } from 'node:stream';
import { connect as tlsConnect, createSecureContext, TLSSocket } from 'node:tls';
import { createSystemClock } from '../../lib/clock.ts';
import { createManualClock } from '../../lib/manual-clock.ts';
import { encodeProxyHeader } from '../../proxy/proxy-protocol-header.ts';
import { createTestCa } from '../../../test/support/certs.ts';
import { CLIENT_HELLO_MAX_BYTES, decideClientHello } from './client-hello.ts';
import { peekSocket, type PeekDecide, type PeekVerdict } from './peek.ts';
import { decideProxyHeader, PROXY_HEADER_MAX_BYTES } from './proxy-protocol.ts';

let listener: Server;
let port = 0;
const accepted: ((socket: Socket) => void)[] = [];

before(async () => {
  listener = createServer((socket) => accepted.shift()?.(socket));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as AddressInfo).port;
});
after(() => listener.close());

/** A loopback connection: the client end and the server end, both connected. */
async function connection(): Promise<{ client: Socket; server: Socket }> {
  const server = new Promise<Socket>((resolve) => accepted.push(resolve));
  const client = netConnect(port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', resolve));
  return { client, server: await server };
}

/**
 * Wraps a decision so the test can wait until the peek has read a given number of bytes, and
 * so that every read is shown to it (its `atLeast` hints are dropped).
 */
function observe<T>(decide: PeekDecide<T>): { decide: PeekDecide<T>; reads: number[]; seen(n: number): Promise<void> } {
  const reads: number[] = [];
  let done = false;
  const waiting: { n: number; resolve: () => void }[] = [];
  const flush = (): void => {
    for (const w of [...waiting]) {
      if (done || (reads.at(-1) ?? 0) >= w.n) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  return {
    reads,
    decide(bytes): PeekVerdict<T> {
      reads.push(bytes.length);
      const verdict = decide(bytes);
      if (verdict.done) done = true;
      queueMicrotask(flush);
      return verdict.done ? verdict : { done: false };
    },
    seen: (n) => new Promise((resolve) => {
      waiting.push({ n, resolve });
      flush();
    }),
  };
}

/** Writes `pieces` one at a time, each only after the peek has read everything before it. */
async function writeInPieces(client: Socket, pieces: Buffer[], seen: (n: number) => Promise<void>): Promise<void> {
  let total = 0;
  for (const piece of pieces) {
    client.write(piece);
    total += piece.length;
    await seen(total);
  }
}

function readAll(socket: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

const clock = createSystemClock();
const generous = { maxBytes: CLIENT_HELLO_MAX_BYTES, timeoutMs: 60_000, clock };

test('after a PROXY header is peeked off, node:http reads the whole request written in pieces', async () => {
  const http: HttpServer = createHttpServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => res.end(`${req.method} ${req.url} ${req.headers['x-test']} ${Buffer.concat(body).toString()}`));
  });
  const { client, server } = await connection();
  const seen = observe(decideProxyHeader);
  const peeked = peekSocket(server, seen.decide, { ...generous, maxBytes: PROXY_HEADER_MAX_BYTES });
  const headerLine = 'PROXY TCP4 192.0.2.1 198.51.100.2 40000 80\r\n';
  // The header arrives in three reads, the last one carrying the start of the request.
  await writeInPieces(client, [Buffer.from(headerLine.slice(0, 9)), Buffer.from(headerLine.slice(9, 30)), Buffer.from(`${headerLine.slice(30)}POST /pa`)], seen.seen);
  const result = await peeked;
  assert.ok(seen.reads.length >= 3, `reads ${seen.reads.join(',')}`);
  assert.equal(result.kind, 'decided');
  if (result.kind !== 'decided') return;
  assert.equal(result.consumed, headerLine.length);
  assert.equal(result.value.kind === 'header' && result.value.header.source?.address, '192.0.2.1');
  // More of the request arrives before node:http takes the socket, the rest after.
  client.write('th HTTP/1.1\r\nHost: a\r\nX-Test: ');
  http.emit('connection', server);
  client.write('yes\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhello');
  client.end(' world');
  const response = (await readAll(client)).toString();
  assert.match(response, /^HTTP\/1\.1 200 OK\r\n/);
  assert.ok(response.endsWith('\r\n\r\nPOST /path yes hello world'), response);
  http.close();
});

test('after a PROXY header and a ClientHello are peeked, a tls.TLSSocket handshakes and reads everything', async () => {
  const ca = createTestCa();
  const cert = ca.issue({ dns: ['tls.example'] });
  const { client: raw, server } = await connection();
  // The TLS client writes into one end of a pair; the test relays its bytes to the TCP socket in
  // small pieces, each after the peek has read the previous one.
  const [tlsSide, wireSide] = duplexPair();
  const tlsClient = tlsConnect({ socket: tlsSide, servername: 'TLS.example', ALPNProtocols: ['h2', 'http/1.1'], ca: ca.cert });
  raw.on('data', (chunk: Buffer) => wireSide.write(chunk));
  raw.on('end', () => wireSide.end());

  const proxy = observe(decideProxyHeader);
  const hello = observe(decideClientHello);
  let relayed = 0;
  const relay = (async (): Promise<void> => {
    raw.write(encodeProxyHeader(2, { address: '2001:db8::7', port: 5555 }, { address: '2001:db8::1', port: 443 }));
    await proxy.seen(52);
    for await (const chunk of wireSide as AsyncIterable<Buffer>) {
      for (let at = 0; at < chunk.length; at += 200) {
        const piece = chunk.subarray(at, at + 200);
        raw.write(piece);
        relayed += piece.length;
        await hello.seen(relayed);
      }
    }
    raw.end();
  })();

  const first = await peekSocket(server, proxy.decide, { ...generous, maxBytes: PROXY_HEADER_MAX_BYTES });
  assert.equal(first.kind === 'decided' && first.value.kind === 'header' && first.value.header.source?.address, '2001:db8::7');
  const second = await peekSocket(server, hello.decide, generous);
  assert.ok(hello.reads.length >= 3, `ClientHello read in ${hello.reads.length} reads`);
  assert.deepEqual(second.kind === 'decided' && second.value, { kind: 'hello', serverName: 'tls.example', alpn: ['h2', 'http/1.1'] });

  const secure = new TLSSocket(server, { isServer: true, secureContext: createSecureContext({ cert: cert.cert, key: cert.key }), ALPNProtocols: ['http/1.1'] });
  // The server answers once the whole request line is in, then closes.
  let request = '';
  secure.on('data', (chunk: Buffer) => {
    request += chunk.toString();
    if (request.endsWith('\n')) secure.end(`got ${request}`);
  });
  await new Promise<void>((resolve) => tlsClient.once('secureConnect', resolve));
  assert.equal(tlsClient.alpnProtocol, 'http/1.1');
  const response = readAll(tlsClient);
  tlsClient.write('one ');
  tlsClient.write('two ');
  tlsClient.write('three\n');
  assert.equal((await response).toString(), 'got one two three\n');
  tlsClient.end();
  await relay;
});

test('after peeking the cleartext HTTP/2 preface, a node:http2 server serves the connection', async () => {
  const h2 = createHttp2Server();
  h2.on('stream', (stream, headers) => {
    stream.respond({ ':status': 200 });
    stream.end(`h2 ${headers[':path']}`);
  });
  const { client, server } = await connection();
  const session = http2Connect(`http://127.0.0.1:${port}`, { createConnection: () => client });
  const result = await peekSocket(server, decideClientHello, generous);
  assert.deepEqual(result.kind === 'decided' && result.value, { kind: 'not-tls' });
  h2.emit('connection', server);
  const request = session.request({ ':path': '/over-h2c' });
  request.end();
  assert.equal((await readAll(request)).toString(), 'h2 /over-h2c');
  session.close();
  h2.close();
});

test('a TCP consumer sees every byte and the end, when the decision comes with the last bytes', async () => {
  const { client, server } = await connection();
  const seen = observe(decideClientHello);
  const peeked = peekSocket(server, seen.decide, generous);
  client.end('plain bytes, then the end');
  const result = await peeked;
  assert.deepEqual(result.kind === 'decided' && result.value, { kind: 'not-tls' });
  assert.equal((await readAll(server)).toString(), 'plain bytes, then the end');
});

test('a timeout on the injected clock gives up and puts the bytes back', async () => {
  const manual = createManualClock();
  const { client, server } = await connection();
  const seen = observe<never>(() => ({ done: false }));
  const peeked = peekSocket(server, seen.decide, { maxBytes: 1000, timeoutMs: 5000, clock: manual });
  client.write('abc');
  await seen.seen(3);
  manual.advance(4999);
  client.write('de');
  await seen.seen(5);
  manual.advance(1);
  const result = await peeked;
  assert.equal(result.kind, 'timeout');
  assert.equal(result.kind === 'timeout' && result.bytes.toString(), 'abcde');
  assert.equal(manual.pending(), 0);
  client.end('f');
  assert.equal((await readAll(server)).toString(), 'abcdef');
});

test('reaching the byte limit gives up and puts the bytes back', async () => {
  const { client, server } = await connection();
  const seen = observe<never>(() => ({ done: false }));
  const peeked = peekSocket(server, seen.decide, { maxBytes: 10, timeoutMs: 60_000, clock });
  await writeInPieces(client, [Buffer.from('01234'), Buffer.from('56789abc')], seen.seen);
  const result = await peeked;
  assert.equal(result.kind, 'limit');
  assert.equal(result.kind === 'limit' && result.bytes.toString(), '0123456789abc');
  client.end('def');
  assert.equal((await readAll(server)).toString(), '0123456789abcdef');
});

test('an abort gives up and puts the bytes back', async () => {
  const { client, server } = await connection();
  const seen = observe(decideProxyHeader);
  const abort = new AbortController();
  const peeked = peekSocket(server, seen.decide, { ...generous, signal: abort.signal });
  await writeInPieces(client, [Buffer.from('PROXY TCP4 1.2')], seen.seen);
  abort.abort();
  const result = await peeked;
  assert.equal(result.kind === 'aborted' && result.bytes.toString(), 'PROXY TCP4 1.2');
  client.end();
  assert.equal((await readAll(server)).toString(), 'PROXY TCP4 1.2');
});

test('the peer ending its side before a decision returns what it sent', async () => {
  const { client, server } = await connection();
  const peeked = peekSocket(server, decideProxyHeader, generous);
  client.end('PROX');
  const result = await peeked;
  assert.equal(result.kind, 'ended');
  assert.equal(result.kind === 'ended' && result.bytes.toString(), 'PROX');
});

test('a socket destroyed during the peek ends it as closed', async () => {
  const { client, server } = await connection();
  const seen = observe(decideClientHello);
  const peeked = peekSocket(server, seen.decide, generous);
  await writeInPieces(client, [Buffer.from([0x16, 0x03])], seen.seen);
  client.resetAndDestroy();
  const result = await peeked;
  assert.equal(result.kind, 'closed');
  assert.deepEqual(result.kind === 'closed' && [...result.bytes], [0x16, 0x03]);
  assert.equal((await peekSocket(server, decideClientHello, generous)).kind, 'closed');
});

test('leaves no listener and no timer behind, whatever the outcome', async () => {
  const manual = createManualClock();
  const { client, server } = await connection();
  const events = ['readable', 'data', 'end', 'error', 'close'] as const;
  const counts = (): number[] => events.map((e) => server.listenerCount(e));
  const before = counts();
  const abort = new AbortController();
  client.write('GET / HTTP/1.1\r\n');
  const result = await peekSocket(server, decideProxyHeader, { maxBytes: 100, timeoutMs: 10, clock: manual, signal: abort.signal });
  assert.equal(result.kind, 'decided');
  assert.deepEqual(counts(), before);
  assert.equal(manual.pending(), 0);
  client.end();
  assert.equal((await readAll(server)).toString(), 'GET / HTTP/1.1\r\n');
});

test('a decision that throws rejects the peek and leaves the bytes in place', async () => {
  const { client, server } = await connection();
  client.end('xyz');
  await assert.rejects(peekSocket(server, () => {
    throw new Error('bug');
  }, generous), /bug/);
  assert.equal((await readAll(server)).toString(), 'xyz');
});
