import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { closed, createTestPool, recordingHandler, send, startHttpServer, type Arrival } from './testing/pool-rig.ts';

test('a handler that aborts mid-body gets onResponseError once, nothing after, and the connection is closed', async () => {
  let arrival!: (a: Arrival) => void;
  const arrived = new Promise<Arrival>((resolve) => {
    arrival = resolve;
  });
  const server = await startHttpServer((a) => {
    a.res.writeHead(200, { 'content-length': '10' });
    a.res.write('first');
    arrival(a);
  });
  const { pool } = createTestPool(server.url);
  const calls: string[] = [];
  const handler = recordingHandler((_chunk, controller) => {
    calls.push('data');
    controller.abort(new Error('client went away'));
  });
  const onError = handler.onResponseError!.bind(handler);
  handler.onResponseError = (c, err) => {
    calls.push(`error: ${err.message}`);
    onError(c, err);
  };
  try {
    pool.dispatch({ method: 'GET', path: '/' }, handler);
    const a = await arrived;
    await handler.done;
    a.res.end('rest!');
    await closed(server.connections.get(a.port)!);
    assert.deepEqual(calls, ['data', 'error: client went away']);
    assert.equal(pool.stats.connected, 0);
  } finally {
    await pool.close();
    await server.close();
  }
});

test('a request body that fails fails the request with its error and closes the connection', async () => {
  const server = await startHttpServer();
  const { pool } = createTestPool(server.url);
  try {
    const headArrived = new Promise((resolve) => server.server.once('request', resolve));
    const body = new PassThrough();
    const handler = recordingHandler();
    pool.dispatch({ method: 'POST', path: '/', body }, handler);
    body.write('part');
    await headArrived;
    body.destroy(new Error('client reset'));
    const outcome = await handler.done;
    assert.equal(outcome.error?.message, 'client reset');
    assert.equal(server.arrivals.length, 0, 'the server never saw the whole request');
    assert.equal(pool.stats.connected, 0);
    // The pool goes on serving.
    assert.equal((await send(pool)).body.toString(), 'ok');
  } finally {
    await pool.close();
    await server.close();
  }
});

test('a response that ends while the body is still being sent is delivered; the rest of the body is not read and the connection closes', async () => {
  const server = await startHttpServer();
  // Answer at once, before the body is read.
  server.server.removeAllListeners('request');
  server.server.on('request', (req, res) => {
    res.writeHead(413, { 'content-length': '5' });
    res.end('early');
    req.resume();
  });
  const { pool } = createTestPool(server.url);
  try {
    const body = new PassThrough();
    const handler = recordingHandler();
    pool.dispatch({ method: 'POST', path: '/early', body }, handler);
    body.write('start of a long upload');
    const outcome = await handler.done;
    assert.equal(outcome.status, 413);
    assert.equal(outcome.body.toString(), 'early');
    assert.equal(body.destroyed, true, 'the rest of the body is released, as undici does');
    assert.equal(pool.stats.connected, 0);
  } finally {
    await pool.close();
    await server.close();
  }
});
