import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { classifyUpstreamError } from '../proxy-error.ts';
import { createUpstreamPools, defaultTransport, type Http1Engine } from '../upstream-pools.ts';
import { Http1Pool } from './http1-pool.ts';
import { createTestPool, onRequestHeads, send, startScriptedServer, type Outcome } from './testing/pool-rig.ts';

/** Sends one GET to `url` through the pools of `engine` (the selection upstream-pools makes). */
async function through(engine: Http1Engine, url: string, responseHeaderTimeoutMs = 0): Promise<Outcome> {
  const pools = createUpstreamPools({ http1Engine: engine });
  const transport = { ...defaultTransport, responseHeaderTimeoutMs };
  const pool = pools.acquire(url, transport);
  assert.equal(pool instanceof Http1Pool, engine === 'raw');
  try {
    return await send(pool);
  } finally {
    pools.release(url, transport);
    await pools.dispose();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const hugeHead = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(2 * 1024 * 1024)}\r\n\r\n`;

// Each failure, through undici and through the raw pool: the same error code where undici's is
// stable, and the same status from classifyUpstreamError (502/504), whether a head came first.
for (const { name, script, code, status, afterHead } of [
  { name: 'the server closes after reading the request', script: (s: Socket) => s.end(), code: 'UND_ERR_SOCKET', status: 502, afterHead: false },
  { name: 'the server resets after reading the request', script: (s: Socket) => s.resetAndDestroy(), code: 'ECONNRESET', status: 502, afterHead: false },
  { name: 'the status line is malformed', script: (s: Socket) => s.end('HTTP/1.1 2OO OK\r\n\r\n'), code: null, status: 502, afterHead: false },
  { name: 'the response head is larger than the limit', script: (s: Socket) => s.write(hugeHead), code: 'UND_ERR_HEADERS_OVERFLOW', status: 502, afterHead: false },
  { name: 'the body stops short of its Content-Length', script: (s: Socket) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf'), code: null, status: 502, afterHead: true },
]) {
  test(`errors match undici's: ${name}`, async () => {
    const server = await startScriptedServer((socket) => onRequestHeads(socket, () => script(socket)));
    try {
      const outcomes = { undici: await through('undici', server.url), raw: await through('raw', server.url) };
      for (const [engine, outcome] of Object.entries(outcomes)) {
        assert.ok(outcome.error !== null, `${engine} fails`);
        assert.equal(outcome.status !== 0, afterHead, `${engine}: head before the failure`);
        assert.equal(classifyUpstreamError(outcome.error, false).status, status, engine);
      }
      if (code !== null) assert.deepEqual([outcomes.undici.error?.code, outcomes.raw.error?.code], [code, code]);
      else assert.equal(outcomes.raw.error?.name, name.includes('malformed') ? 'HTTPParserError' : 'SocketError');
    } finally {
      await server.close();
    }
  });
}

test('errors match undici\'s: connection refused is ECONNREFUSED (502)', async () => {
  const url = `http://127.0.0.1:${await freePort()}`;
  const outcomes = { undici: await through('undici', url), raw: await through('raw', url) };
  assert.deepEqual([outcomes.undici.error?.code, outcomes.raw.error?.code], ['ECONNREFUSED', 'ECONNREFUSED']);
  assert.equal(classifyUpstreamError(outcomes.raw.error, false).status, 502);
});

test('no response head within responseHeaderTimeout after the request was written: UND_ERR_HEADERS_TIMEOUT (504)', async () => {
  let headIn!: () => void;
  const arrived = new Promise<void>((resolve) => {
    headIn = resolve;
  });
  const server = await startScriptedServer((socket) => onRequestHeads(socket, () => headIn()));
  const { pool, clock } = createTestPool(server.url, { responseHeaderTimeoutMs: 5_000 });
  try {
    const pending = send(pool);
    await arrived;
    clock.advance(4_999);
    assert.equal(pool.stats.running, 1);
    clock.advance(1);
    const outcome = await pending;
    assert.equal(outcome.error?.code, 'UND_ERR_HEADERS_TIMEOUT');
    assert.equal(classifyUpstreamError(outcome.error, false).status, 504);
    assert.equal(pool.stats.connected, 0, 'the connection is dropped');
  } finally {
    await pool.close();
    await server.close();
  }
});

test('the response header timeout does not run while the body is still being sent', async () => {
  let firstBytes!: () => void;
  const started = new Promise<void>((resolve) => {
    firstBytes = resolve;
  });
  const server = await startScriptedServer((socket) => {
    let got = '';
    socket.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      firstBytes();
      if (got.endsWith('0\r\n\r\n')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    });
  });
  const { pool, clock } = createTestPool(server.url, { responseHeaderTimeoutMs: 1_000 });
  try {
    const body = new PassThrough();
    const pending = send(pool, { method: 'POST', path: '/', body });
    body.write('slow');
    await started;
    clock.advance(10_000);
    body.end('client');
    assert.equal((await pending).status, 200);
  } finally {
    await pool.close();
    await server.close();
  }
});
