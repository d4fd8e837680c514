import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closed, createTestPool, onRequestHeads, send, startHttpServer, startScriptedServer, type Arrival } from './testing/pool-rig.ts';

test('sequential requests share one keep-alive connection', async () => {
  const server = await startHttpServer();
  const { pool } = createTestPool(server.url);
  try {
    for (let i = 0; i < 3; i++) assert.equal((await send(pool, { path: `/${i}` })).body.toString(), 'ok');
    assert.equal(new Set(server.arrivals.map((a) => a.port)).size, 1);
    assert.equal(server.arrivals[0]!.req.headers.connection, 'keep-alive');
    assert.deepEqual({ connected: pool.stats.connected, free: pool.stats.free }, { connected: 1, free: 1 });
  } finally {
    await pool.close();
    await server.close();
  }
});

/** Two requests held open at once (so on two connections), answered in `order`. */
async function twoConnections(order: readonly ('first' | 'second')[], maxIdleConns = 200) {
  const held: Arrival[] = [];
  let bothArrived!: () => void;
  const arrived = new Promise<void>((resolve) => {
    bothArrived = resolve;
  });
  const server = await startHttpServer((a) => {
    if (a.req.url === '/next') return void a.res.end('next');
    held.push(a);
    if (held.length === 2) bothArrived();
  });
  const { pool } = createTestPool(server.url, { maxIdleConns });
  const first = send(pool, { path: '/first' });
  const second = send(pool, { path: '/second' });
  await arrived;
  const byPath = (p: string): Arrival => held.find((a) => a.req.url === p)!;
  const ports = { first: byPath('/first').port, second: byPath('/second').port };
  for (const which of order) {
    byPath(`/${which}`).res.end(which);
    await (which === 'first' ? first : second);
  }
  return { server, pool, ports };
}

for (const { order, expected } of [
  { order: ['first', 'second'] as const, expected: 'second' as const },
  { order: ['second', 'first'] as const, expected: 'first' as const },
]) {
  test(`the connection released last serves the next request (LIFO): released ${order.join(' then ')}, reused ${expected}`, async () => {
    const { server, pool, ports } = await twoConnections(order);
    try {
      assert.notEqual(ports.first, ports.second);
      assert.equal(pool.stats.free, 2);
      await send(pool, { path: '/next' });
      assert.equal(server.arrivals.at(-1)!.port, ports[expected]);
    } finally {
      await pool.close();
      await server.close();
    }
  });
}

test('maxIdleConns caps the idle connections: the oldest idle one closes', async () => {
  const { server, pool, ports } = await twoConnections(['first', 'second'], 1);
  try {
    await closed(server.connections.get(ports.first)!);
    assert.equal(pool.stats.free, 1);
    await send(pool, { path: '/next' });
    assert.equal(server.arrivals.at(-1)!.port, ports.second);
  } finally {
    await pool.close();
    await server.close();
  }
});

test('an idle connection closes after idleConnTimeout on the clock, not before', async () => {
  const server = await startHttpServer();
  const { pool, clock } = createTestPool(server.url, { idleConnTimeoutMs: 10_000 });
  try {
    await send(pool);
    const serverSide = server.connections.get(server.arrivals[0]!.port)!;
    clock.advance(9_999);
    assert.equal(pool.stats.free, 1);
    assert.equal(serverSide.destroyed, false);
    clock.advance(1);
    await closed(serverSide);
    assert.equal(pool.stats.connected, 0);
  } finally {
    await pool.close();
    await server.close();
  }
});

test('a server announcing Keep-Alive: timeout=5 gets its connection closed 2 s before it would (undici\'s margin)', async () => {
  const server = await startHttpServer(undefined, 5_000);
  const { pool, clock } = createTestPool(server.url, { idleConnTimeoutMs: 90_000 });
  try {
    const outcome = await send(pool);
    assert.equal(outcome.parsed['keep-alive'], 'timeout=5');
    clock.advance(2_999);
    assert.equal(pool.stats.free, 1);
    clock.advance(1);
    await closed(server.connections.get(server.arrivals[0]!.port)!);
    assert.equal(pool.stats.connected, 0);
  } finally {
    await pool.close();
    await server.close();
  }
});

test('a negative maxIdleConns sends Connection: close and opens a connection per request', async () => {
  const server = await startHttpServer();
  const { pool } = createTestPool(server.url, { maxIdleConns: -1 });
  try {
    await send(pool);
    await send(pool);
    assert.deepEqual(server.arrivals.map((a) => a.req.headers.connection), ['close', 'close']);
    assert.notEqual(server.arrivals[0]!.port, server.arrivals[1]!.port);
  } finally {
    await pool.close();
    await server.close();
  }
});

// Each response is answered on a fresh connection of a scripted server; `reused` says whether the
// next request came on the same connection.
for (const { name, method, response, reused } of [
  { name: 'a plain HTTP/1.1 response with Content-Length', method: 'GET', response: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', reused: true },
  { name: 'a chunked response', method: 'GET', response: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n', reused: true },
  { name: 'Connection: close', method: 'GET', response: 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok', reused: false },
  { name: 'HTTP/1.0 without keep-alive', method: 'GET', response: 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok', reused: false },
  { name: 'HTTP/1.0 with Connection: keep-alive', method: 'GET', response: 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok', reused: true },
  { name: 'a 204 without body framing', method: 'GET', response: 'HTTP/1.1 204 No Content\r\n\r\n', reused: true },
  { name: 'a 304 announcing a Content-Length (its body may follow anyway)', method: 'GET', response: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n', reused: false },
  { name: 'a response to HEAD (undici closes after HEAD)', method: 'HEAD', response: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', reused: false },
  { name: 'stray bytes after the response', method: 'GET', response: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n', reused: false },
]) {
  test(`connection reuse after ${name}: ${reused ? 'reused' : 'closed'}`, async () => {
    const heads: string[] = [];
    const server = await startScriptedServer((socket) => {
      onRequestHeads(socket, (head) => {
        heads.push(head);
        socket.write(heads.length === 1 ? response : 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext');
      });
    });
    const { pool } = createTestPool(server.url);
    try {
      const first = await send(pool, { method });
      assert.equal(first.error, null);
      assert.equal((await send(pool)).body.toString(), 'next');
      assert.equal(server.sockets.length, reused ? 1 : 2);
      if (method === 'HEAD') assert.match(heads[0]!, /\r\nconnection: close\r\n/);
    } finally {
      await pool.close();
      await server.close();
    }
  });
}

test('close() lets the request in flight finish, then closes every connection', async () => {
  let answer!: (a: Arrival) => void;
  const arrived = new Promise<Arrival>((resolve) => {
    answer = resolve;
  });
  const server = await startHttpServer((a) => answer(a));
  const { pool } = createTestPool(server.url);
  try {
    const pending = send(pool);
    const arrival = await arrived;
    const closing = pool.close();
    assert.equal(pool.closed, true);
    assert.equal((await send(pool)).error?.code, 'UND_ERR_CLOSED');
    arrival.res.end('late');
    assert.equal((await pending).body.toString(), 'late');
    await closing;
    assert.equal(pool.destroyed, true);
    await closed(server.connections.get(arrival.port)!);
  } finally {
    await server.close();
  }
});

test('destroy() fails the request in flight with ClientDestroyedError', async () => {
  let arrivedOnce!: () => void;
  const arrived = new Promise<void>((resolve) => {
    arrivedOnce = resolve;
  });
  const server = await startHttpServer(() => arrivedOnce());
  const { pool } = createTestPool(server.url);
  try {
    const pending = send(pool);
    await arrived;
    await pool.destroy();
    assert.equal((await pending).error?.code, 'UND_ERR_DESTROYED');
    assert.equal((await send(pool)).error?.code, 'UND_ERR_DESTROYED');
  } finally {
    await server.close();
  }
});
