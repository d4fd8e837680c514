import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../../lib/exchange.ts';
import { eventually, rawClient, startEngineRig } from './testing/engine-rig.ts';

test('a slow client makes write() return false, and onDrain resumes the writer', async () => {
  const held: Exchange[] = [];
  const rig = await startEngineRig('raw', (ex) => held.push(ex));
  try {
    const client = await rawClient(rig.port);
    client.socket.pause(); // the client reads nothing for now
    client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await eventually(() => held.length === 1, 'dispatched');
    const sink = held[0]!.response;
    sink.writeHead(200, []);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let written = 0;
    let full = false;
    for (let i = 0; i < 1024 && !full; i++) {
      full = !sink.write(chunk);
      written += chunk.length;
    }
    assert.ok(full, 'write() reported a full socket');
    assert.ok(written < 64 * 1024 * 1024, `stopped after ${written} bytes`);
    const drained = new Promise<void>((resolve) => sink.onDrain(resolve));
    client.socket.resume();
    await drained;
    sink.end();
    const response = await client.response();
    assert.equal(response.body.length, written);
    client.socket.destroy();
  } finally {
    await rig.close();
  }
});

test('a request body the handler does not read stops the socket instead of filling memory', async () => {
  const held: Exchange[] = [];
  const rig = await startEngineRig('raw', (ex) => held.push(ex));
  try {
    const client = await rawClient(rig.port);
    const total = 16 * 1024 * 1024;
    client.write(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${total}\r\n\r\n`);
    const piece = Buffer.alloc(256 * 1024, 0x62);
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += piece.length;
        if (!client.socket.write(piece)) {
          client.socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
    await eventually(() => held.length === 1, 'dispatched');
    const server = rig.sockets[0]!;
    await eventually(() => server.isPaused(), 'server stopped reading');
    const body = held[0]!.body!;
    assert.ok(body.readableLength <= 256 * 1024, `held ${body.readableLength} bytes`);
    assert.ok(sent < total, 'the client is held back too');
    let received = 0;
    body.on('data', (c: Buffer) => {
      received += c.length;
    });
    await new Promise((resolve) => body.once('end', resolve));
    assert.equal(received, total);
    assert.equal(held[0]!.log.requestContentSize, total);
    held[0]!.response.writeHead(204, []);
    held[0]!.response.end();
    assert.equal((await client.response()).status, 204);
    client.socket.destroy();
  } finally {
    await rig.close();
  }
});
