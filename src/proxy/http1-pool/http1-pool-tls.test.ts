import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerOptions } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createTestCa, type TestCa } from '../../../test/support/certs.ts';
import { createUpstreamPools, defaultTransport, type Http1Engine, type TransportSettings } from '../upstream-pools.ts';
import { Http1Pool } from './http1-pool.ts';
import { createTestPool, send, type Outcome } from './testing/pool-rig.ts';

let ca: TestCa | undefined;
/** One CA for the file: openssl runs once. */
function testCa(): TestCa {
  ca ??= createTestCa();
  return ca;
}

interface TlsServer {
  readonly url: string;
  /** SNI, client certificate CN and client port of each request. */
  readonly seen: { sni: string; clientCn: string; port: number }[];
  close(): Promise<void>;
}

async function startTlsServer(extra: ServerOptions = {}): Promise<TlsServer> {
  const leaf = testCa().issue({ dns: ['backend.test'], ips: ['127.0.0.1'] });
  const seen: TlsServer['seen'] = [];
  const server = createServer({ cert: leaf.cert, key: leaf.key, ...extra }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerCertificate();
    seen.push({ sni: typeof socket.servername === 'string' ? socket.servername : '', clientCn: String(peer?.subject?.CN ?? ''), port: (socket as Socket).remotePort! });
    res.end('secure');
  });
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('TLS with the private CA: serverName is the SNI and requests reuse one TLS connection', async () => {
  const server = await startTlsServer();
  const { pool } = createTestPool(server.url, { tls: { rootCAs: [testCa().cert], serverName: 'backend.test' } });
  try {
    for (let i = 0; i < 2; i++) assert.equal((await send(pool)).body.toString(), 'secure');
    assert.deepEqual(server.seen.map((s) => s.sni), ['backend.test', 'backend.test']);
    assert.equal(server.seen[0]!.port, server.seen[1]!.port);
  } finally {
    await pool.close();
    await server.close();
  }
});

test('a client certificate is presented to a server that requires one', async () => {
  const server = await startTlsServer({ ca: [testCa().cert], requestCert: true, rejectUnauthorized: true });
  const client = testCa().issue({ commonName: 'switchyard', client: true });
  const { pool } = createTestPool(server.url, { tls: { rootCAs: [testCa().cert], certificates: [{ cert: client.cert, key: client.key }] } });
  try {
    assert.equal((await send(pool)).status, 200);
    assert.equal(server.seen[0]!.clientCn, 'switchyard');
  } finally {
    await pool.close();
    await server.close();
  }
});

async function through(engine: Http1Engine, url: string, transport: TransportSettings): Promise<Outcome> {
  const pools = createUpstreamPools({ http1Engine: engine });
  const pool = pools.acquire(url, transport);
  try {
    return await send(pool);
  } finally {
    pools.release(url, transport);
    await pools.dispose();
  }
}

test('a certificate no root vouches for fails with the same error code through undici and the raw pool', async () => {
  const server = await startTlsServer();
  const transport: TransportSettings = { ...defaultTransport, name: 'tls@file', disableHTTP2: true };
  try {
    const undici = await through('undici', server.url, transport);
    const raw = await through('raw', server.url, transport);
    assert.ok(raw.error !== null && typeof raw.error.code === 'string');
    assert.equal(raw.error.code, undici.error?.code);
  } finally {
    await server.close();
  }
});

for (const { origin, disableHTTP2, raw } of [
  { origin: 'http://127.0.0.1:1', disableHTTP2: false, raw: true },
  { origin: 'https://127.0.0.1:1', disableHTTP2: true, raw: true },
  { origin: 'https://127.0.0.1:1', disableHTTP2: false, raw: false },
  { origin: 'h2c://127.0.0.1:1', disableHTTP2: false, raw: false },
]) {
  test(`http1Engine raw: ${origin}${disableHTTP2 ? ' with disableHTTP2' : ''} ${raw ? 'gets the raw pool' : 'stays on undici (HTTP/2 possible)'}`, async () => {
    const pools = createUpstreamPools({ http1Engine: 'raw' });
    const transport = { ...defaultTransport, disableHTTP2 };
    try {
      assert.equal(pools.acquire(origin, transport) instanceof Http1Pool, raw);
    } finally {
      await pools.dispose();
    }
  });
}
