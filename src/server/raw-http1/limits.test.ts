import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../../lib/exchange.ts';
import { eventually, rawClient, startEngineRig } from './testing/engine-rig.ts';

function ok(exchange: Exchange): void {
  exchange.response.writeHead(200, ['Content-Length', '2']);
  exchange.response.write(Buffer.from('ok'));
  exchange.response.end();
}

const refused: { title: string; request: string; status: number }[] = [
  { title: 'obs-fold', request: 'GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n', status: 400 },
  { title: 'a bare LF', request: 'GET / HTTP/1.1\nHost: a\r\n\r\n', status: 400 },
  { title: 'whitespace before the colon', request: 'GET / HTTP/1.1\r\nHost : a\r\n\r\n', status: 400 },
  { title: 'Content-Length with Transfer-Encoding', request: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', status: 400 },
  { title: 'conflicting Content-Lengths', request: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd', status: 400 },
  { title: 'an unknown transfer coding', request: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n', status: 400 },
  { title: 'an HTTP/1.1 request without Host', request: 'GET / HTTP/1.1\r\n\r\n', status: 400 },
  { title: 'a NUL in a header value', request: 'GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n', status: 400 },
  { title: 'an unknown HTTP version', request: 'GET / HTTP/2.1\r\nHost: a\r\n\r\n', status: 400 },
  { title: 'more field lines than allowed', request: `GET / HTTP/1.1\r\nHost: a\r\n${'X: y\r\n'.repeat(201)}\r\n`, status: 431 },
];

for (const c of refused) {
  test(`${c.title} is answered ${c.status} and the connection closed`, async () => {
    const rig = await startEngineRig('raw', ok);
    try {
      const client = await rawClient(rig.port);
      client.write(c.request);
      const response = await client.response();
      assert.equal(response.status, c.status);
      assert.equal(response.headers.find(([k]) => k === 'Connection')?.[1], 'close');
      assert.equal(await client.closed(), '');
      assert.equal(rig.exchanges.length, 0);
    } finally {
      await rig.close();
    }
  });
}

test('a broken chunked body arriving with its head is refused before routing', async () => {
  const rig = await startEngineRig('raw', ok);
  try {
    const client = await rawClient(rig.port);
    client.write('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n');
    assert.equal((await client.response()).status, 400);
    assert.equal(await client.closed(), '');
    assert.equal(rig.exchanges.length, 0);
    assert.equal(rig.entryPoint.inFlight, 0);
  } finally {
    await rig.close();
  }
});

test('a chunked body that breaks while the handler reads it fails the stream; the engine answers 400', async () => {
  let failure: unknown;
  const received: string[] = [];
  const rig = await startEngineRig('raw', (ex) => {
    ex.body!.on('data', (c: Buffer) => received.push(c.toString()));
    ex.body!.on('error', (err) => {
      failure = err;
      // Too late: the engine answered already; this must not reach the client.
      ex.response.writeHead(502, ['Content-Length', '0']);
      ex.response.end();
    });
  });
  try {
    const client = await rawClient(rig.port);
    client.write('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n');
    await eventually(() => received.length === 1, 'first chunk read');
    client.write('zz\r\n');
    const response = await client.response();
    assert.equal(response.status, 400);
    assert.equal(await client.closed(), '');
    await eventually(() => failure !== undefined, 'body stream failed');
    assert.equal((failure as { code?: string }).code, 'HPE_BAD_CHUNK_SIZE');
    assert.equal(rig.exchanges[0]!.clientGone, true);
    assert.equal(rig.done.length, 1);
  } finally {
    await rig.close();
  }
});

test('a head trickled past maxHeaderBytes is refused 431 as soon as it passes the limit', async () => {
  const rig = await startEngineRig('raw', ok, { maxHeaderBytes: 1024 });
  try {
    const client = await rawClient(rig.port);
    const piece = `X-Long: ${'a'.repeat(54)}\r\n`; // 64 bytes
    client.write('GET / HTTP/1.1\r\nHost: a\r\n');
    let sent = 'GET / HTTP/1.1\r\nHost: a\r\n'.length;
    for (let i = 0; i < 100 && client.unread === ''; i++) {
      client.write(piece);
      sent += piece.length;
      await eventually(() => rig.sockets[0]!.bytesRead === sent || rig.sockets[0]!.destroyed || client.unread !== '', 'piece read');
    }
    const response = await client.response();
    assert.equal(response.status, 431);
    assert.ok(sent <= 1024 + 2 * piece.length, `refused after ${sent} bytes`);
    await client.closed();
  } finally {
    await rig.close();
  }
});

test('a long request line is accepted while the whole head stays under maxHeaderBytes', async () => {
  const rig = await startEngineRig('raw', ok, { maxHeaderBytes: 64 * 1024 });
  try {
    const client = await rawClient(rig.port);
    client.write(`GET /${'a'.repeat(32 * 1024)} HTTP/1.1\r\nHost: a\r\n\r\n`);
    assert.equal((await client.response()).status, 200);
    client.write(`GET /${'a'.repeat(64 * 1024)} HTTP/1.1\r\nHost: a\r\n\r\n`);
    assert.equal((await client.response()).status, 431);
    await client.closed();
  } finally {
    await rig.close();
  }
});
