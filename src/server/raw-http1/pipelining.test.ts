import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../../lib/exchange.ts';
import { eventually, rawClient, startEngineRig } from './testing/engine-rig.ts';

function answerPath(exchange: Exchange): void {
  const body = Buffer.from(`answer ${exchange.request.path}`);
  exchange.response.writeHead(200, ['Content-Length', String(body.length)]);
  exchange.response.write(body);
  exchange.response.end();
}

test('a keep-alive connection carries request after request', async () => {
  const rig = await startEngineRig('raw', answerPath);
  try {
    const client = await rawClient(rig.port);
    for (const path of ['/1', '/2', '/3']) {
      client.write(`GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`);
      assert.equal((await client.response()).body, `answer ${path}`);
    }
    assert.equal(rig.sockets.length, 1);
    assert.equal(rig.done.length, 3);
    client.socket.destroy();
  } finally {
    await rig.close();
  }
});

test('pipelined requests are taken one at a time and answered in order', async () => {
  const held: Exchange[] = [];
  const rig = await startEngineRig('raw', (ex) => held.push(ex));
  try {
    const client = await rawClient(rig.port);
    client.write('GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\nHost: a\r\n\r\n');
    await eventually(() => held.length === 1, 'first request dispatched');
    // The next requests wait unparsed until the first is answered.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(held.length, 1);
    answerPath(held[0]!);
    await eventually(() => held.length === 2, 'second request dispatched');
    const chunks: Buffer[] = [];
    held[1]!.body!.on('data', (c: Buffer) => chunks.push(c));
    await new Promise((resolve) => held[1]!.body!.once('end', resolve));
    assert.equal(Buffer.concat(chunks).toString(), 'abc');
    answerPath(held[1]!);
    await eventually(() => held.length === 3, 'third request dispatched');
    answerPath(held[2]!);
    const bodies = [(await client.response()).body, (await client.response()).body, (await client.response()).body];
    assert.deepEqual(bodies, ['answer /1', 'answer /2', 'answer /3']);
    client.socket.destroy();
  } finally {
    await rig.close();
  }
});

test('many pipelined requests in one write are all answered, in order', async () => {
  const rig = await startEngineRig('raw', answerPath);
  try {
    const client = await rawClient(rig.port);
    const n = 500;
    let burst = '';
    for (let i = 0; i < n; i++) burst += `GET /${i} HTTP/1.1\r\nHost: a\r\n\r\n`;
    client.write(burst);
    for (let i = 0; i < n; i++) assert.equal((await client.response()).body, `answer /${i}`);
    client.socket.destroy();
  } finally {
    await rig.close();
  }
});

test('a pipelined request after Connection: close is not answered', async () => {
  const rig = await startEngineRig('raw', answerPath);
  try {
    const client = await rawClient(rig.port);
    client.write('GET /1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n');
    const first = await client.response();
    assert.equal(first.body, 'answer /1');
    assert.equal(await client.closed(), '');
    assert.equal(rig.exchanges.length, 1);
  } finally {
    await rig.close();
  }
});

test('an HTTP/1.0 request closes unless it asks for keep-alive', async () => {
  const rig = await startEngineRig('raw', answerPath);
  try {
    const keep = await rawClient(rig.port);
    keep.write('GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    assert.equal((await keep.response()).headers.find(([k]) => k === 'Connection')?.[1], 'keep-alive');
    keep.write('GET /b HTTP/1.0\r\n\r\n');
    assert.equal((await keep.response()).body, 'answer /b');
    assert.equal(await keep.closed(), '');
  } finally {
    await rig.close();
  }
});

test('a large last response reaches a slow client whole, however long it takes to read', async () => {
  const size = 8 * 1024 * 1024;
  const rig = await startEngineRig('raw', (ex) => {
    ex.response.writeHead(200, ['Content-Length', String(size)]);
    ex.response.write(Buffer.alloc(size, 0x63));
    ex.response.end();
  });
  try {
    const client = await rawClient(rig.port);
    client.socket.pause();
    client.write('GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    await eventually(() => rig.done.length === 1, 'response handed to the socket');
    rig.clock.advance(60_000); // far past any linger: the unread response must not be cut
    client.socket.resume();
    const response = await client.response();
    assert.equal(response.body.length, size);
    assert.equal(await client.closed(), '');
  } finally {
    await rig.close();
  }
});
