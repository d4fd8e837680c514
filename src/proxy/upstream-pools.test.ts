import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import { createSecureServer, createServer as createH2cServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { createTestCa, type TestCa, type TestCert } from '../../test/support/certs.ts';
import { createManualClock } from '../lib/manual-clock.ts';
import { serverOrigin } from '../services/load-balancer.ts';
import { headerOf, testExchange, type ClientView } from '../services/testing/forwarding-rig.ts';
import { forward, type ServerTarget } from './forward.ts';
import { createUpstreamPools, defaultTransport, type TransportSettings } from './upstream-pools.ts';

/** What a server saw of one request. */
interface Seen {
  readonly httpVersion: string;
  /** Host (HTTP/1.1) or :authority (HTTP/2). */
  readonly authority: string;
  /** The SNI the client sent, or '' when none. */
  readonly servername: string;
  /** CN of the client certificate, or '' when none. */
  readonly clientCn: string;
}

interface Backend {
  readonly url: string;
  readonly seen: Seen[];
  close(): Promise<void>;
}

type AnyRequest = IncomingMessage | Http2ServerRequest;

function record(req: AnyRequest, seen: Seen[]): void {
  const socket = req.socket as TLSSocket;
  const sni = typeof socket.servername === 'string' ? socket.servername : '';
  const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
  seen.push({
    httpVersion: req.httpVersion,
    authority: String(req.headers[':authority'] ?? req.headers.host ?? ''),
    servername: sni,
    clientCn: String(peer?.subject?.CN ?? ''),
  });
}

function answer(res: ServerResponse | Http2ServerResponse): void {
  res.setHeader('content-type', 'text/plain');
  res.setHeader('set-cookie', ['a=1', 'b=2']);
  res.end('ok');
}

async function listen(server: { listen(port: number, host: string, cb: () => void): unknown; address(): unknown }, scheme: string, close: () => Promise<void>, seen: Seen[]): Promise<Backend> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `${scheme}://127.0.0.1:${port}`, seen, close };
}

/** An HTTPS (HTTP/1.1 only) server with `cert`. */
async function httpsBackend(cert: TestCert, extra: ServerOptions = {}): Promise<Backend> {
  const seen: Seen[] = [];
  const server = createHttpsServer({ cert: cert.cert, key: cert.key, ...extra }, (req, res) => {
    record(req, seen);
    answer(res);
  });
  return listen(server, 'https', async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }, seen);
}

/** An HTTPS server offering h2 and http/1.1 in ALPN. */
async function h2Backend(cert: TestCert, trailers?: Record<string, string>): Promise<Backend> {
  const seen: Seen[] = [];
  const server = createSecureServer({ cert: cert.cert, key: cert.key, allowHTTP1: true }, (req, res) => {
    record(req, seen);
    if (trailers !== undefined) res.addTrailers(trailers);
    answer(res);
  });
  const sessions = new Set<{ destroy(): void }>();
  server.on('session', (s) => sessions.add(s));
  return listen(server, 'https', async () => {
    for (const s of sessions) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }, seen);
}

/** A cleartext HTTP/2 server (prior knowledge only). */
async function h2cBackend(): Promise<Backend> {
  const seen: Seen[] = [];
  const server = createH2cServer((req, res) => {
    record(req, seen);
    answer(res);
  });
  const sessions = new Set<{ destroy(): void }>();
  server.on('session', (s) => sessions.add(s));
  return listen(server, 'h2c', async () => {
    for (const s of sessions) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }, seen);
}

/** Sends one request for Host `example.com` to `url` through `transport`; the client's view. */
async function send(url: string, transport: TransportSettings, passHostHeader = true): Promise<ClientView> {
  const pools = createUpstreamPools();
  const { origin, address, host } = serverOrigin(url);
  const target: ServerTarget = { url, origin, address, host, basePath: '', pool: pools.acquire(origin, transport) };
  const t = testExchange({ headers: ['TE', 'trailers'] });
  try {
    forward(t.exchange, target, { passHostHeader, notAppendXForwardedFor: false });
    return await t.done;
  } finally {
    pools.release(origin, transport);
    await pools.dispose();
  }
}

let ca: TestCa | undefined;
/** One CA for the file: openssl runs once. */
function testCa(): TestCa {
  ca ??= createTestCa();
  return ca;
}

const withCa = (extra: Partial<TransportSettings> = {}): TransportSettings => ({ ...defaultTransport, name: 'tls@file', rootCAs: [testCa().cert], ...extra });

test('an HTTPS server is reached with the private CA in rootCAs, and refused (502) without it', async () => {
  const backend = await httpsBackend(testCa().issue({ dns: ['localhost'], ips: ['127.0.0.1'] }));
  try {
    const ok = await send(backend.url, withCa());
    assert.equal(ok.status, 200);
    assert.equal(ok.body, 'ok');
    assert.equal((await send(backend.url, defaultTransport)).status, 502);
    assert.equal(backend.seen.length, 1);
  } finally {
    await backend.close();
  }
});

test('insecureSkipVerify reaches a server whose certificate no root vouches for', async () => {
  const backend = await httpsBackend(createTestCa('Unknown CA').issue({ dns: ['elsewhere.test'] }));
  try {
    assert.equal((await send(backend.url, { ...defaultTransport, name: 'skip@file', insecureSkipVerify: true })).status, 200);
  } finally {
    await backend.close();
  }
});

test('serverName is the SNI and the name the certificate must carry; the client Host is neither', async () => {
  const backend = await httpsBackend(testCa().issue({ dns: ['backend.internal'] }));
  try {
    assert.equal((await send(backend.url, withCa())).status, 502, 'the certificate does not name 127.0.0.1');
    assert.equal((await send(backend.url, withCa({ serverName: 'backend.internal' }))).status, 200);
    assert.deepEqual(backend.seen.map((s) => [s.servername, s.authority]), [['backend.internal', 'example.com']]);
  } finally {
    await backend.close();
  }
  const byIp = await httpsBackend(testCa().issue({ ips: ['127.0.0.1'] }));
  try {
    assert.equal((await send(byIp.url, withCa())).status, 200);
    assert.equal(byIp.seen[0]!.servername, '', 'no SNI for an IP address (RFC 6066), whatever the Host');
  } finally {
    await byIp.close();
  }
});

test('client certificates are presented to a server that requires them; without them the server refuses (502)', async () => {
  const c = testCa();
  const backend = await httpsBackend(c.issue({ ips: ['127.0.0.1'] }), { requestCert: true, rejectUnauthorized: true, ca: [c.cert] });
  try {
    const client = c.issue({ commonName: 'switchyard-client', client: true });
    assert.equal((await send(backend.url, withCa({ certificates: [{ cert: client.cert, key: client.key }] }))).status, 200);
    assert.equal(backend.seen[0]!.clientCn, 'switchyard-client');
    assert.equal((await send(backend.url, withCa())).status, 502);
    assert.equal(backend.seen.length, 1);
  } finally {
    await backend.close();
  }
});

test('peerCertURI: the first URI SAN must match, host part aside (Traefik), else 502', async () => {
  const backend = await httpsBackend(testCa().issue({ ips: ['127.0.0.1'], uris: ['spiffe://example.org/api'] }));
  try {
    const cases: { uri: string; insecure?: boolean; status: number }[] = [
      { uri: 'spiffe://example.org/api', status: 200 },
      { uri: 'SPIFFE://other.example/api', status: 200 },
      { uri: 'spiffe://example.org/billing', status: 502 },
      // insecureSkipVerify skips the name check, never the chain nor the URI.
      { uri: 'spiffe://example.org/api', insecure: true, status: 200 },
      { uri: 'spiffe://example.org/billing', insecure: true, status: 502 },
    ];
    for (const c of cases) {
      const view = await send(backend.url, withCa({ peerCertURI: c.uri, insecureSkipVerify: c.insecure ?? false }));
      assert.equal(view.status, c.status, JSON.stringify(c));
    }
  } finally {
    await backend.close();
  }
  const noUri = await httpsBackend(testCa().issue({ ips: ['127.0.0.1'] }));
  try {
    assert.equal((await send(noUri.url, withCa({ peerCertURI: 'spiffe://example.org/api' }))).status, 502);
  } finally {
    await noUri.close();
  }
  const otherCa = await httpsBackend(createTestCa('Unknown CA').issue({ ips: ['127.0.0.1'], uris: ['spiffe://example.org/api'] }));
  try {
    const view = await send(otherCa.url, withCa({ peerCertURI: 'spiffe://example.org/api', insecureSkipVerify: true }));
    assert.equal(view.status, 502, 'the chain is verified even with insecureSkipVerify when peerCertURI is set');
  } finally {
    await otherCa.close();
  }
});

test('an HTTPS server that offers h2 is spoken to in HTTP/2, with Host as :authority; disableHTTP2 keeps HTTP/1.1', async () => {
  const backend = await h2Backend(testCa().issue({ ips: ['127.0.0.1'] }));
  try {
    const view = await send(backend.url, withCa());
    assert.equal(view.status, 200);
    assert.deepEqual([headerOf(view.headers, 'content-type'), view.headers.filter((_, i) => i % 2 === 0 && view.headers[i] === 'set-cookie').length], ['text/plain', 2]);
    assert.equal((await send(backend.url, withCa({ disableHTTP2: true }))).status, 200);
    assert.equal((await send(backend.url, withCa(), false)).status, 200);
    assert.deepEqual(backend.seen.map((s) => [s.httpVersion, s.authority]), [
      ['2.0', 'example.com'],
      ['1.1', 'example.com'],
      ['2.0', backend.url.slice('https://'.length)],
    ]);
  } finally {
    await backend.close();
  }
});

test('an h2c:// server is spoken to in HTTP/2 over cleartext', async () => {
  const backend = await h2cBackend();
  try {
    const view = await send(backend.url, defaultTransport);
    assert.equal(view.status, 200);
    assert.equal(view.body, 'ok');
    assert.deepEqual(backend.seen.map((s) => s.httpVersion), ['2.0']);
  } finally {
    await backend.close();
  }
});

test('trailers of an HTTP/2 server reach the client', async () => {
  const backend = await h2Backend(testCa().issue({ ips: ['127.0.0.1'] }), { 'grpc-status': '0', 'x-checksum': 'abc' });
  try {
    const pools = createUpstreamPools();
    const transport = withCa();
    const { origin, address, host } = serverOrigin(backend.url);
    const target: ServerTarget = { url: backend.url, origin, address, host, basePath: '', pool: pools.acquire(origin, transport) };
    const t = testExchange();
    let trailers: string[] | undefined;
    const end = t.exchange.response.end.bind(t.exchange.response);
    t.exchange.response.end = (tr?: string[]) => {
      trailers = tr;
      end(tr);
    };
    forward(t.exchange, target, { passHostHeader: true, notAppendXForwardedFor: false });
    assert.equal((await t.done).status, 200);
    assert.deepEqual(trailers, ['grpc-status', '0', 'x-checksum', 'abc']);
    pools.release(origin, transport);
    await pools.dispose();
  } finally {
    await backend.close();
  }
});

test('equal settings share a pool; other settings or another scheme get their own', async () => {
  const pools = createUpstreamPools();
  const a = pools.acquire('https://10.0.0.1:443', withCa());
  const b = pools.acquire('https://10.0.0.1:443', withCa());
  const c = pools.acquire('https://10.0.0.1:443', withCa({ disableHTTP2: true }));
  const d = pools.acquire('h2c://10.0.0.1:443', defaultTransport);
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.equal(pools.size, 3);
  assert.notEqual(d, a);
  await pools.dispose();
  assert.equal(pools.size, 0);
});

test('an upgrade request to a server spoken to in HTTP/2 goes over HTTP/1.1 (Traefik), not RFC 8441', async () => {
  const cert = testCa().issue({ ips: ['127.0.0.1'] });
  const versions: string[] = [];
  const server = createSecureServer({ cert: cert.cert, key: cert.key, allowHTTP1: true }, (req, res) => {
    versions.push(req.httpVersion);
    res.end('ok');
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    versions.push(`upgrade ${req.httpVersion}`);
    socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  });
  const sessions = new Set<{ destroy(): void }>();
  server.on('session', (s) => sessions.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const pools = createUpstreamPools();
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pool = pools.acquire(origin, withCa());
  try {
    await (await pool.request({ path: '/', method: 'GET' })).body.text();
    const upgraded = await pool.upgrade({ path: '/ws', method: 'GET', protocol: 'websocket' });
    upgraded.socket.destroy();
    assert.deepEqual(versions, ['2.0', 'upgrade 1.1']);
  } finally {
    pools.release(origin, withCa());
    await pools.dispose();
    for (const s of sessions) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('maxIdleConnsPerHost < 0 turns keep-alive off (Connection: close on every request); by default connections are kept', async () => {
  const seen: string[] = [];
  const server = createHttpServer((req, res) => {
    seen.push(req.headers.connection ?? '');
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const transport of [defaultTransport, { ...defaultTransport, name: 'noreuse@file', maxIdleConnsPerHost: -1 }]) {
      const pools = createUpstreamPools();
      const { origin, address, host } = serverOrigin(url);
      const target: ServerTarget = { url, origin, address, host, basePath: '', pool: pools.acquire(origin, transport) };
      for (let i = 0; i < 2; i++) {
        const t = testExchange();
        forward(t.exchange, target, { passHostHeader: true, notAppendXForwardedFor: false });
        assert.equal((await t.done).status, 200);
      }
      await pools.dispose();
    }
    assert.deepEqual(seen, ['keep-alive', 'keep-alive', 'close', 'close']);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('readIdleTimeout: an HTTP/2 connection silent for readIdleTimeout + pingTimeout is closed (502); reads keep it alive', async () => {
  const clock = createManualClock();
  const transport: TransportSettings = { ...defaultTransport, name: 'ping@file', readIdleTimeoutMs: 60_000, pingTimeoutMs: 15_000 };
  const limit = 75_000;

  // A server that accepts the connection and never answers anything (not even pings).
  const silent = createNetServer((socket) => socket.on('data', () => arrived()));
  let arrived: () => void = () => undefined;
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const pools = createUpstreamPools({ clock });
  try {
    const url = `h2c://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const { origin, address, host } = serverOrigin(url);
    const target: ServerTarget = { url, origin, address, host, basePath: '', pool: pools.acquire(origin, transport) };
    const t = testExchange();
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    forward(t.exchange, target, { passHostHeader: true, notAppendXForwardedFor: false });
    await reached;
    clock.advance(limit - 1);
    clock.advance(2 * limit);
    assert.equal((await t.done).status, 502);
  } finally {
    await pools.dispose();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }

  // A server that streams slowly: each chunk read keeps the connection; then silence ends it.
  const chunks: (() => void)[] = [];
  const h2 = createH2cServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('one;');
    chunks.push(() => res.write('two;'));
  });
  const sessions = new Set<{ destroy(): void }>();
  h2.on('session', (s) => sessions.add(s));
  await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
  const pools2 = createUpstreamPools({ clock });
  try {
    const url = `h2c://127.0.0.1:${(h2.address() as AddressInfo).port}`;
    const { origin, address, host } = serverOrigin(url);
    const target: ServerTarget = { url, origin, address, host, basePath: '', pool: pools2.acquire(origin, transport) };
    const t = testExchange();
    const received: string[] = [];
    let onChunk: () => void = () => undefined;
    const write = t.exchange.response.write.bind(t.exchange.response);
    t.exchange.response.write = (chunk: Buffer) => {
      received.push(chunk.toString());
      onChunk();
      return write(chunk);
    };
    const next = (): Promise<void> => new Promise((resolve) => (onChunk = resolve));
    let got = next();
    forward(t.exchange, target, { passHostHeader: true, notAppendXForwardedFor: false });
    await got;
    clock.advance(limit - 15_000);
    got = next();
    chunks.shift()!();
    await got;
    clock.advance(limit - 15_000);
    assert.deepEqual(received, ['one;', 'two;']);
    assert.equal(t.exchange.response.headSent, true);
    clock.advance(2 * limit);
    const view = await t.done;
    assert.equal(view.destroyed, true, 'the response is cut: the connection was closed');
  } finally {
    await pools2.dispose();
    for (const s of sessions) s.destroy();
    await new Promise<void>((resolve) => h2.close(() => resolve()));
  }
});
