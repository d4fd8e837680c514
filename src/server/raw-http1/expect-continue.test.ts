import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../../lib/exchange.ts';
import { eventually, rawClient, startEngineRig } from './testing/engine-rig.ts';

const expecting = 'POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n';

test('100 Continue is sent when the handler first reads the body, then the body flows', async () => {
  const held: Exchange[] = [];
  const rig = await startEngineRig('raw', (ex) => held.push(ex));
  try {
    const client = await rawClient(rig.port);
    client.write(expecting);
    await eventually(() => held.length === 1, 'request dispatched');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(client.unread, '', 'no 100 before anyone reads');
    const ex = held[0]!;
    const chunks: Buffer[] = [];
    ex.body!.on('data', (c: Buffer) => chunks.push(c));
    const interim = await client.response();
    assert.equal(interim.raw, 'HTTP/1.1 100 Continue\r\n\r\n');
    client.write('hello');
    await new Promise((resolve) => ex.body!.once('end', resolve));
    assert.equal(Buffer.concat(chunks).toString(), 'hello');
    ex.response.writeHead(200, ['Content-Length', '2']);
    ex.response.write(Buffer.from('ok'));
    ex.response.end();
    const final = await client.response();
    assert.equal(final.status, 200);
    assert.equal(final.headers.find(([k]) => k === 'Connection')?.[1], 'keep-alive');
    client.socket.destroy();
  } finally {
    await rig.close();
  }
});

test('a response given before the body was read skips 100 Continue and closes the connection', async () => {
  const rig = await startEngineRig('raw', (ex) => {
    ex.response.writeHead(401, ['Content-Length', '0']);
    ex.response.end();
  });
  try {
    const client = await rawClient(rig.port);
    client.write(expecting);
    const response = await client.response();
    assert.equal(response.status, 401);
    assert.equal(response.headers.find(([k]) => k === 'Connection')?.[1], 'close');
    assert.equal(await client.closed(), '');
  } finally {
    await rig.close();
  }
});

test('an expectation other than 100-continue is answered 417 without routing', async () => {
  const rig = await startEngineRig('raw', (ex) => {
    ex.response.writeHead(200, ['Content-Length', '0']);
    ex.response.end();
  });
  try {
    const client = await rawClient(rig.port);
    client.write('GET / HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\n\r\n');
    assert.equal((await client.response()).status, 417);
    assert.equal(rig.exchanges.length, 0);
    // HTTP/1.0 has no Expect (RFC 9110 §10.1.1): routed as usual.
    client.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\nExpect: teapot\r\n\r\n');
    assert.equal((await client.response()).status, 200);
    assert.equal(rig.exchanges.length, 1);
    client.socket.destroy();
  } finally {
    await rig.close();
  }
});
