import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { expectContinueTimeoutMs } from './request-writer.ts';
import { createTestPool, onRequestHeads, recordingHandler, send, startHttpServer, startScriptedServer } from './testing/pool-rig.ts';

/** A body that arrives in pieces, one per turn, as from a client. */
function trickle(...pieces: string[]): Readable {
  const body = new PassThrough();
  void (async () => {
    for (const p of pieces) {
      body.write(p);
      await new Promise((resolve) => setImmediate(resolve));
    }
    body.end();
  })();
  return body;
}

function ended(text: string): Readable {
  const body = new PassThrough();
  body.end(text);
  // Let the stream take the bytes in: it has ended with all of them buffered.
  body.read(0);
  return body;
}

for (const { name, method, headers, body, framing, received } of [
  { name: 'GET without a body: no framing', method: 'GET', headers: [], body: () => null, framing: { cl: undefined, te: undefined }, received: '' },
  { name: 'POST without a body: content-length 0', method: 'POST', headers: [], body: () => null, framing: { cl: '0', te: undefined }, received: '' },
  { name: 'a streamed body with content-length: sent sized', method: 'PUT', headers: ['content-length', '11'], body: () => trickle('hello', ' ', 'world'), framing: { cl: '11', te: undefined }, received: 'hello world' },
  { name: 'a streamed body without content-length: sent chunked', method: 'POST', headers: [], body: () => trickle('a', 'bc', 'def'), framing: { cl: undefined, te: 'chunked' }, received: 'abcdef' },
  { name: 'a byte body: sent sized', method: 'POST', headers: [], body: () => Buffer.from('bytes'), framing: { cl: '5', te: undefined }, received: 'bytes' },
  { name: 'a stream that already ended: sent sized, as undici does', method: 'POST', headers: [], body: () => ended('known'), framing: { cl: '5', te: undefined }, received: 'known' },
  { name: 'a streamed empty body on POST: content-length 0', method: 'POST', headers: [], body: () => trickle(), framing: { cl: '0', te: undefined }, received: '' },
]) {
  test(`request framing: ${name}`, async () => {
    const server = await startHttpServer();
    const { pool } = createTestPool(server.url);
    try {
      const outcome = await send(pool, { method, path: '/', headers, body: body() });
      assert.equal(outcome.error, null);
      const seen = server.arrivals[0]!;
      assert.deepEqual({ cl: seen.req.headers['content-length'], te: seen.req.headers['transfer-encoding'] }, framing);
      assert.equal(seen.body.toString(), received);
      // The connection stays usable after every framing.
      await send(pool);
      assert.equal(server.arrivals[1]!.port, seen.port);
    } finally {
      await pool.close();
      await server.close();
    }
  });
}

for (const { name, headers, body } of [
  { name: 'longer', headers: ['content-length', '3'], body: () => trickle('four') },
  { name: 'shorter', headers: ['content-length', '9'], body: () => trickle('four') },
]) {
  test(`a body ${name} than its content-length fails the request with UND_ERR_REQ_CONTENT_LENGTH_MISMATCH`, async () => {
    const server = await startHttpServer();
    const { pool } = createTestPool(server.url);
    try {
      const outcome = await send(pool, { method: 'POST', path: '/', headers, body: body() });
      assert.equal(outcome.error?.code, 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH');
      assert.equal(server.arrivals.length, 0, 'the server never got a complete request');
    } finally {
      await pool.close();
      await server.close();
    }
  });
}

test('the head is sent once, host first, with the caller\'s fields in order and no hop-by-hop additions', async () => {
  const heads: string[] = [];
  const server = await startScriptedServer((socket) => onRequestHeads(socket, (head) => {
    heads.push(head);
    socket.write('HTTP/1.1 204 No Content\r\n\r\n');
  }));
  const { pool } = createTestPool(server.url);
  try {
    await send(pool, { method: 'GET', path: '/p?q=1', headers: ['X-One', 'a', 'host', 'example.com', 'x-two', 'b', 'X-One', 'c'] });
    await send(pool, { method: 'GET', path: '/' });
    assert.equal(heads[0], 'GET /p?q=1 HTTP/1.1\r\nhost: example.com\r\nconnection: keep-alive\r\nX-One: a\r\nx-two: b\r\nX-One: c\r\n\r\n');
    assert.equal(heads[1], `GET / HTTP/1.1\r\nhost: ${new URL(server.url).host}\r\nconnection: keep-alive\r\n\r\n`);
  } finally {
    await pool.close();
    await server.close();
  }
});

for (const { name, value } of [
  { name: 'a CR LF in a value', value: ['x', 'a\r\nInjected: yes'] },
  { name: 'a space in a name', value: ['bad name', 'v'] },
  { name: 'transfer-encoding', value: ['transfer-encoding', 'chunked'] },
]) {
  test(`a header with ${name} is refused before anything is sent (UND_ERR_INVALID_ARG, as undici)`, async () => {
    const server = await startHttpServer();
    const { pool } = createTestPool(server.url);
    try {
      const outcome = await send(pool, { headers: value });
      assert.equal(outcome.error?.code, 'UND_ERR_INVALID_ARG');
      assert.equal(pool.stats.connected + pool.stats.pending, 0);
    } finally {
      await pool.close();
      await server.close();
    }
  });
}

// Responses from a scripted server, byte for byte.
for (const { name, method, response, status, body, trailers } of [
  { name: 'a sized body', method: 'GET', response: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello', status: 200, body: 'hello', trailers: [] },
  { name: 'a chunked body with extensions', method: 'GET', response: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\n\r\n', status: 200, body: 'abcde', trailers: [] },
  { name: 'a chunked body with trailers', method: 'GET', response: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: grpc-status\r\n\r\n2\r\nok\r\n0\r\ngrpc-status: 0\r\nGrpc-Message: fine\r\n\r\n', status: 200, body: 'ok', trailers: ['grpc-status', '0', 'Grpc-Message', 'fine'] },
  { name: 'a body delimited by the close', method: 'GET', response: 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end', status: 200, body: 'until the end', trailers: [] },
  { name: 'HEAD with a Content-Length', method: 'HEAD', response: 'HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n', status: 200, body: '', trailers: [] },
  { name: 'a 204', method: 'GET', response: 'HTTP/1.1 204 No Content\r\n\r\n', status: 204, body: '', trailers: [] },
  { name: 'a 304 with a Content-Length', method: 'GET', response: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n', status: 304, body: '', trailers: [] },
]) {
  test(`response: ${name}`, async () => {
    const server = await startScriptedServer((socket) => onRequestHeads(socket, () => {
      socket.write(response);
      if (response.includes('Connection: close')) socket.end();
    }));
    const { pool } = createTestPool(server.url);
    try {
      const outcome = await send(pool, { method });
      assert.equal(outcome.error, null);
      assert.equal(outcome.status, status);
      assert.equal(outcome.body.toString(), body);
      assert.deepEqual(outcome.trailers, trailers);
      if (trailers.length > 0) assert.deepEqual(outcome.parsedTrailers, { 'grpc-status': '0', 'grpc-message': 'fine' });
    } finally {
      await pool.close();
      await server.close();
    }
  });
}

test('response heads keep names as sent and repeated fields in order; the parsed view collects them', async () => {
  const server = await startScriptedServer((socket) => onRequestHeads(socket, () => {
    socket.write('HTTP/1.1 200 Fine\r\nSet-Cookie: a=1\r\nX-Thing: \xe9t\xe9\r\nset-cookie: b=2\r\nContent-Length: 0\r\n\r\n', 'latin1');
  }));
  const { pool } = createTestPool(server.url);
  try {
    const outcome = await send(pool);
    assert.deepEqual(outcome.headers, ['Set-Cookie', 'a=1', 'X-Thing', '\xe9t\xe9', 'set-cookie', 'b=2', 'Content-Length', '0']);
    assert.deepEqual(outcome.parsed['set-cookie'], ['a=1', 'b=2']);
  } finally {
    await pool.close();
    await server.close();
  }
});

test('1xx: 103 Early Hints reaches the handler before the final response; an unasked 100 Continue is skipped', async () => {
  const server = await startScriptedServer((socket) => onRequestHeads(socket, () => {
    socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n');
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  }));
  const { pool } = createTestPool(server.url);
  try {
    const outcome = await send(pool);
    assert.deepEqual(outcome.starts, [103, 200]);
    assert.equal(outcome.body.toString(), 'ok');
  } finally {
    await pool.close();
    await server.close();
  }
});

test('Expect: 100-continue holds the body until the server says 100, then sends it', async () => {
  const server = await startHttpServer((a) => a.res.end(`got ${a.body.toString()}`));
  let asked = false;
  server.server.on('checkContinue', (req, res) => {
    asked = true;
    res.writeContinue();
    server.server.emit('request', req, res);
  });
  const { pool } = createTestPool(server.url);
  try {
    const outcome = await send(pool, { method: 'PUT', path: '/', headers: ['expect', '100-continue', 'content-length', '4'], body: trickle('data') });
    assert.equal(asked, true);
    assert.equal(outcome.body.toString(), 'got data');
  } finally {
    await pool.close();
    await server.close();
  }
});

test('Expect: 100-continue answered with a final status: the body is never sent and the connection is not reused', async () => {
  const server = await startHttpServer();
  server.server.on('checkContinue', (_req, res) => {
    res.writeHead(417);
    res.end('no');
  });
  const { pool } = createTestPool(server.url);
  let pulled = false;
  const body = new Readable({
    read() {
      pulled = true;
      this.push(null);
    },
  });
  try {
    const outcome = await send(pool, { method: 'PUT', path: '/', headers: ['expect', '100-continue', 'content-length', '4'], body });
    assert.equal(outcome.status, 417);
    assert.equal(pulled, false, 'the body was never read');
    assert.equal(pool.stats.connected, 0);
  } finally {
    await pool.close();
    await server.close();
  }
});

test('Expect: 100-continue with a silent server: the body goes after a second on the clock', async () => {
  let received = '';
  let headIn!: () => void;
  const headArrived = new Promise<void>((resolve) => {
    headIn = resolve;
  });
  const server = await startScriptedServer((socket) => socket.on('data', (c: Buffer) => {
    received += c.toString('latin1');
    if (received.endsWith('\r\n\r\n')) headIn();
    if (received.endsWith('\r\n\r\ndata')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
  }));
  const { pool, clock } = createTestPool(server.url);
  try {
    const handler = recordingHandler();
    pool.dispatch({ method: 'PUT', path: '/', headers: ['expect', '100-continue', 'content-length', '4'], body: Buffer.from('data') }, handler);
    await headArrived;
    assert.match(received, /\r\ncontent-length: 4\r\nexpect: 100-continue\r\n\r\n$/);
    clock.advance(expectContinueTimeoutMs);
    assert.equal((await handler.done).status, 200);
  } finally {
    await pool.close();
    await server.close();
  }
});

test('upgrade: the 101 hands the socket over with the bytes that followed the head', async () => {
  const server = await startScriptedServer((socket) => {
    let head = '';
    const onData = (c: Buffer): void => {
      head += c.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      assert.match(head, /\r\nconnection: upgrade\r\nupgrade: echo\r\n/);
      socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\nEARLY');
      socket.pipe(socket);
    };
    socket.on('data', onData);
  });
  const { pool } = createTestPool(server.url);
  try {
    const outcome = await send(pool, { method: 'GET', path: '/ws', upgrade: 'echo' });
    assert.equal(outcome.upgrade?.status, 101);
    assert.deepEqual(outcome.headers, []);
    const socket = outcome.upgrade!.socket;
    let got = '';
    socket.on('data', (c: Buffer) => {
      got += c.toString();
    });
    // Handed over paused, so no byte is lost before its new owner reads (forward pipes it).
    assert.equal(socket.isPaused(), true);
    socket.resume();
    socket.write('ping');
    while (got !== 'EARLYping') await once(socket, 'data');
    socket.destroy();
    assert.equal(pool.stats.connected, 0, 'the socket left the pool');
  } finally {
    await pool.close();
    await server.close();
  }
});

test('a 101 to a request that asked for no upgrade fails it (UND_ERR_SOCKET, as undici)', async () => {
  const server = await startScriptedServer((socket) => onRequestHeads(socket, () => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n');
  }));
  const { pool } = createTestPool(server.url);
  try {
    assert.equal((await send(pool)).error?.code, 'UND_ERR_SOCKET');
  } finally {
    await pool.close();
    await server.close();
  }
});

test('an upgrade refused with a 200 is an ordinary response and the connection is not reused', async () => {
  const server = await startHttpServer((a) => a.res.end('no upgrade'));
  const { pool } = createTestPool(server.url);
  try {
    const outcome = await send(pool, { method: 'GET', path: '/', upgrade: 'websocket' });
    assert.equal(outcome.body.toString(), 'no upgrade');
    await send(pool);
    assert.notEqual(server.arrivals[0]!.port, server.arrivals[1]!.port);
  } finally {
    await pool.close();
    await server.close();
  }
});

test('request() and the other undici helpers work on the raw pool', async () => {
  const server = await startHttpServer((a) => {
    a.res.setHeader('content-type', 'text/plain');
    a.res.end(`${a.req.method} ${a.body.toString()}`);
  });
  const { pool } = createTestPool(server.url);
  try {
    const res = await (pool as Dispatcher).request({ method: 'POST', path: '/', body: 'hi', headers: { 'x-a': 'b' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/plain');
    assert.equal(await res.body.text(), 'POST hi');
  } finally {
    await pool.close();
    await server.close();
  }
});
