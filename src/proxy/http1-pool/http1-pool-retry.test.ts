import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { staleCheckAfterMs } from './pool-connection.ts';
import { createTestPool, nextTurn, onRequestHeads, recordingHandler, send, startHttpServer, startScriptedServer } from './testing/pool-rig.ts';

test('a reused connection the server closes as the next request starts is replaced: the request succeeds on a fresh connection', async () => {
  const server = await startHttpServer((a) => a.res.end(a.req.url));
  const { pool, clock } = createTestPool(server.url);
  try {
    await send(pool, { path: '/first' });
    const firstPort = server.arrivals[0]!.port;
    // The connection sat idle (as when a server's idle timer fires), and the server closes it
    // in the very turn the request is dispatched.
    clock.advance(staleCheckAfterMs);
    server.connections.get(firstPort)!.destroy();
    const outcome = await send(pool, { method: 'DELETE', path: '/second' });
    assert.equal(outcome.error, null);
    assert.equal(outcome.body.toString(), '/second');
    assert.deepEqual(server.arrivals.map((a) => a.req.url), ['/first', '/second']);
    assert.notEqual(server.arrivals[1]!.port, firstPort);
  } finally {
    await pool.close();
    await server.close();
  }
});

test('a reused connection that dies while the request waits for its first body bytes is replaced; the whole body arrives once', async () => {
  const server = await startHttpServer((a) => a.res.end(`got ${a.body.toString()}`));
  const { pool } = createTestPool(server.url);
  try {
    await send(pool, { path: '/warm' });
    const firstPort = server.arrivals[0]!.port;
    const body = new PassThrough();
    const handler = recordingHandler();
    pool.dispatch({ method: 'POST', path: '/upload', headers: ['content-length', '7'], body }, handler);
    // The reused connection is checked on the next turn; the request then waits for the body.
    await nextTurn();
    const fresh = server.nextConnection();
    server.connections.get(firstPort)!.destroy();
    await fresh;
    body.end('payload');
    const outcome = await handler.done;
    assert.equal(outcome.error, null);
    assert.equal(outcome.body.toString(), 'got payload');
    assert.equal(server.arrivals.length, 2);
    assert.notEqual(server.arrivals[1]!.port, firstPort);
  } finally {
    await pool.close();
    await server.close();
  }
});

// Once bytes of the request are out, the server may have acted on them: never retried.
for (const { how, code } of [
  { how: 'closes (FIN)', code: 'UND_ERR_SOCKET' },
  { how: 'resets (RST)', code: 'ECONNRESET' },
]) {
  test(`a server that ${how} a reused connection after reading the request head fails the request with ${code}, without a retry`, async () => {
    let requests = 0;
    const server = await startScriptedServer((socket) => {
      onRequestHeads(socket, (_head, index) => {
        requests++;
        if (index === 0) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        else if (how.startsWith('closes')) socket.end();
        else socket.resetAndDestroy();
      });
    });
    const { pool } = createTestPool(server.url);
    try {
      await send(pool);
      const outcome = await send(pool, { path: '/second' });
      assert.equal(outcome.error?.code, code);
      assert.equal(requests, 2);
      assert.equal(server.sockets.length, 1);
    } finally {
      await pool.close();
      await server.close();
    }
  });
}

test('a fresh connection closed before the response is not retried either', async () => {
  const server = await startScriptedServer((socket) => onRequestHeads(socket, () => socket.end()));
  const { pool } = createTestPool(server.url);
  try {
    const outcome = await send(pool);
    assert.equal(outcome.error?.code, 'UND_ERR_SOCKET');
    assert.equal(server.sockets.length, 1);
  } finally {
    await pool.close();
    await server.close();
  }
});

test('a streamed body already partly written is not retried when the reused connection dies', async () => {
  const server = await startHttpServer((a) => a.res.end('ok'));
  let arrivedHead!: () => void;
  const headArrived = new Promise<void>((resolve) => {
    arrivedHead = resolve;
  });
  server.server.on('request', (req) => {
    if (req.url === '/upload') arrivedHead();
  });
  const { pool } = createTestPool(server.url);
  try {
    await send(pool, { path: '/warm' });
    const port = server.arrivals[0]!.port;
    const body = new PassThrough();
    const handler = recordingHandler();
    pool.dispatch({ method: 'POST', path: '/upload', body }, handler);
    body.write('first part');
    await headArrived;
    server.connections.get(port)!.destroy();
    const outcome = await handler.done;
    assert.ok(outcome.error !== null, 'the request fails');
    assert.equal(server.connections.size, 1, 'no second connection was dialled');
  } finally {
    await pool.close();
    await server.close();
  }
});
