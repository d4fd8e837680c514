import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { createTestPool, recordingHandler, startHttpServer, type Arrival } from './testing/pool-rig.ts';

const chunkSize = 64 * 1024;

test('a paused handler stops the pool reading: while the server is blocked the pool holds one socket read at most', async () => {
  // More than loopback's kernel buffers can hold, so a paused client blocks the server.
  const total = 64 * 1024 * 1024;
  const pauseAt = [0, 16 * 1024 * 1024];
  // The server says when it cannot write; the test waits for that state.
  let serverBlocked = false;
  let onBlocked: (() => void) | null = null;
  const server = await startHttpServer(async (a: Arrival) => {
    a.res.writeHead(200, { 'content-length': String(total) });
    const piece = Buffer.alloc(chunkSize, 0x61);
    for (let sent = 0; sent < total; sent += chunkSize) {
      if (!a.res.write(piece)) {
        serverBlocked = true;
        onBlocked?.();
        await once(a.res, 'drain');
        serverBlocked = false;
      }
    }
    a.res.end();
  });
  const { pool, sockets } = createTestPool(server.url);
  let received = 0;
  let paused!: (controller: Dispatcher.DispatchController) => void;
  let nextPause = new Promise<Dispatcher.DispatchController>((resolve) => {
    paused = resolve;
  });
  const handler = recordingHandler((chunk, controller) => {
    const before = received;
    received += chunk.length;
    if (pauseAt.some((at) => before <= at && at < received)) {
      controller.pause();
      paused(controller);
    }
  }, false);
  try {
    pool.dispatch({ method: 'GET', path: '/big' }, handler);
    for (let cycle = 0; cycle < pauseAt.length; cycle++) {
      const controller = await nextPause;
      nextPause = new Promise((resolve) => {
        paused = resolve;
      });
      const receivedAtPause = received;
      if (!serverBlocked) await new Promise<void>((resolve) => (onBlocked = resolve));
      onBlocked = null;
      const socket = sockets[0]!;
      assert.equal(socket.isPaused(), true, 'the socket is paused while the handler is');
      assert.equal(received, receivedAtPause, 'nothing reaches a paused handler');
      // A paused net.Socket still completes the read it started: its high-water mark plus one read.
      assert.ok(socket.readableLength <= socket.readableHighWaterMark + chunkSize, `socket buffer ${socket.readableLength}`);
      controller.resume();
    }
    const outcome = await handler.done;
    assert.equal(outcome.error, null);
    assert.equal(received, total);
  } finally {
    await pool.close();
    await server.close();
  }
});

/** A body of `total` bytes made on demand, which records when the pool pauses it. */
class MeteredBody extends Readable {
  produced = 0;
  readonly #total: number;
  readonly #onPause: () => void;
  constructor(total: number, onPause: () => void) {
    super({ highWaterMark: chunkSize });
    this.#total = total;
    this.#onPause = onPause;
  }
  override _read(): void {
    if (this.produced >= this.#total) {
      this.push(null);
      return;
    }
    this.produced += chunkSize;
    this.push(Buffer.alloc(chunkSize, 0x62));
  }
  override pause(): this {
    super.pause();
    this.#onPause();
    return this;
  }
}

test('a server that reads slowly makes the pool stop reading the body: the socket never holds more than its high-water mark and a chunk', async () => {
  const total = 16 * 1024 * 1024;
  let serverRequest: Arrival['req'] | null = null;
  let headArrived!: () => void;
  const arrived = new Promise<void>((resolve) => {
    headArrived = resolve;
  });
  const server = await startHttpServer((a) => a.res.end(String(a.body.length)));
  // Take the request before the rig reads it: paused until the test lets bytes through.
  server.server.prependListener('request', (req) => {
    serverRequest = req;
    req.pause();
    headArrived();
  });
  const { pool, sockets } = createTestPool(server.url);
  let stalls = 0;
  let stalled!: () => void;
  let nextStall = new Promise<void>((resolve) => {
    stalled = resolve;
  });
  const body = new MeteredBody(total, () => {
    stalls++;
    stalled();
  });
  const handler = recordingHandler();
  try {
    pool.dispatch({ method: 'PUT', path: '/upload', headers: ['content-length', String(total)], body }, handler);
    await arrived;
    let checks = 0;
    while (body.produced < total && checks < 10_000) {
      await nextStall;
      nextStall = new Promise<void>((resolve) => {
        stalled = resolve;
      });
      checks++;
      const socket = sockets[0]!;
      assert.ok(socket.writableLength <= socket.writableHighWaterMark + chunkSize, `socket holds ${socket.writableLength}`);
      assert.ok(body.readableLength <= body.readableHighWaterMark, `body buffer ${body.readableLength}`);
      // Let the server read until the client side drains (the body's end pauses it too).
      serverRequest!.resume();
      if (socket.writableNeedDrain) await once(socket, 'drain');
      serverRequest!.pause();
    }
    serverRequest!.resume();
    const outcome = await handler.done;
    assert.equal(outcome.error, null);
    assert.equal(outcome.body.toString(), String(total));
    assert.ok(stalls > 0, 'the pool paused the body at least once');
  } finally {
    await pool.close();
    await server.close();
  }
});
