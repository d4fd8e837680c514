/**
 * Deadlines on the injected clock: nothing here waits for real time. Before moving the clock a
 * test waits until the server has read what the client sent (the server socket's bytesRead).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../../lib/exchange.ts';
import { eventually, rawClient, startEngineRig, type EngineRig, type RawClient } from './testing/engine-rig.ts';

function ok(exchange: Exchange): void {
  exchange.response.writeHead(200, ['Content-Length', '2']);
  exchange.response.write(Buffer.from('ok'));
  exchange.response.end();
}

/** Writes `text` and waits until the server has read everything sent so far. */
async function send(rig: EngineRig, client: RawClient, text: string, sentBefore: number): Promise<number> {
  client.write(text);
  const total = sentBefore + Buffer.byteLength(text, 'latin1');
  await eventually(() => (rig.sockets[0]?.bytesRead ?? 0) >= total, `server read ${total} bytes`);
  return total;
}

test('slowloris: a head trickled byte by byte is cut at readTimeout from its first byte', async () => {
  const rig = await startEngineRig('raw', ok, { readTimeoutMs: 5000 });
  try {
    const client = await rawClient(rig.port);
    let sent = 0;
    let elapsed = 0;
    for (const byte of 'GET / HTTP/1.1\r\nHost: a\r\nX-Slow: abcdefghij') {
      sent = await send(rig, client, byte, sent);
      rig.clock.advance(100); // every byte in time for any inactivity timer, never finishing the head
      elapsed += 100;
    }
    rig.clock.advance(4999 - elapsed);
    sent = await send(rig, client, 'z', sent); // still read at first byte + 4999 ms
    assert.equal(client.unread, '');
    rig.clock.advance(1);
    const response = await client.response();
    assert.equal(response.status, 408);
    assert.equal(await client.closed(), '');
    assert.equal(rig.exchanges.length, 0);
  } finally {
    await rig.close();
  }
});

test('an idle keep-alive connection closes after idleTimeout, not before', async () => {
  const rig = await startEngineRig('raw', ok, { idleTimeoutMs: 10_000 });
  try {
    const client = await rawClient(rig.port);
    const sent = await send(rig, client, 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\n', 0);
    await client.response();
    rig.clock.advance(9_999);
    await send(rig, client, 'GET /2 HTTP/1.1\r\nHost: a\r\n\r\n', sent);
    assert.equal((await client.response()).status, 200, 'still open just before idleTimeout');
    rig.clock.advance(10_000);
    assert.equal(await client.closed(), '', 'closed without a response');
  } finally {
    await rig.close();
  }
});

test('a request body must arrive within readTimeout of the request start (Traefik readTimeout)', async () => {
  let failure: unknown;
  const rig = await startEngineRig('raw', (ex) => {
    ex.body!.on('data', () => {});
    ex.body!.on('error', (err) => {
      failure = err;
    });
  }, { readTimeoutMs: 5000 });
  try {
    const client = await rawClient(rig.port);
    const sent = await send(rig, client, 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc', 0);
    await eventually(() => rig.exchanges.length === 1, 'dispatched');
    rig.clock.advance(4000);
    await send(rig, client, 'def', sent);
    rig.clock.advance(1000);
    await client.closed();
    await eventually(() => failure !== undefined, 'body failed');
    assert.equal((failure as { code?: string }).code, 'ERR_HTTP_REQUEST_TIMEOUT');
    assert.equal(rig.exchanges[0]!.clientGone, true);
  } finally {
    await rig.close();
  }
});

test('with readTimeout 0, a body silent for idleTimeout while the handler reads is cut', async () => {
  let failure: unknown;
  const rig = await startEngineRig('raw', (ex) => {
    ex.body!.on('data', () => {});
    ex.body!.on('error', (err) => {
      failure = err;
    });
  }, { readTimeoutMs: 0, idleTimeoutMs: 3000 });
  try {
    const client = await rawClient(rig.port);
    let sent = await send(rig, client, 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc', 0);
    await eventually(() => rig.exchanges.length === 1, 'dispatched');
    for (let i = 0; i < 5; i++) {
      rig.clock.advance(2000);
      sent = await send(rig, client, 'x', sent); // a byte every 2 s keeps it alive
    }
    rig.clock.advance(3000);
    await client.closed();
    await eventually(() => failure !== undefined, 'body failed');
  } finally {
    await rig.close();
  }
});

test('no deadline runs while the handler works on a complete request', async () => {
  const held: Exchange[] = [];
  const rig = await startEngineRig('raw', (ex) => held.push(ex), { readTimeoutMs: 5000, idleTimeoutMs: 5000 });
  try {
    const client = await rawClient(rig.port);
    await send(rig, client, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 0);
    await eventually(() => held.length === 1, 'dispatched');
    rig.clock.advance(60_000);
    ok(held[0]!);
    assert.equal((await client.response()).status, 200);
    client.socket.destroy();
  } finally {
    await rig.close();
  }
});

test('a connection that never sends a byte is closed at readTimeout', async () => {
  const rig = await startEngineRig('raw', ok, { readTimeoutMs: 5000 });
  try {
    const client = await rawClient(rig.port);
    await eventually(() => rig.sockets.length === 1, 'accepted');
    rig.clock.advance(5000);
    assert.equal(await client.closed(), '');
  } finally {
    await rig.close();
  }
});
