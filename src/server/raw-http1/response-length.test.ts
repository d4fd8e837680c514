import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../../lib/exchange.ts';
import { rawClient, startEngineRig } from './testing/engine-rig.ts';

/** Writes a head announcing `declared` bytes, then `actual` bytes in two writes. */
function mismatched(declared: number, actual: number) {
  return (exchange: Exchange): void => {
    exchange.response.writeHead(200, ['Content-Length', String(declared)]);
    const half = Math.floor(actual / 2);
    exchange.response.write(Buffer.alloc(half, 0x61));
    exchange.response.write(Buffer.alloc(actual - half, 0x62));
    exchange.response.end();
  };
}

const cases = [
  { title: 'more body bytes than the Content-Length cut the connection before the extra bytes', declared: 4, actual: 6, seen: 3 },
  { title: 'fewer body bytes than the Content-Length cut the connection', declared: 10, actual: 4, seen: 4 },
];

for (const c of cases) {
  test(c.title, async () => {
    const rig = await startEngineRig('raw', mismatched(c.declared, c.actual));
    try {
      const client = await rawClient(rig.port);
      // A second request behind the first: it must never be answered on a connection whose
      // framing broke (its answer would be read as the end of the first).
      client.write('GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n');
      const left = await client.closed();
      const body = left.slice(left.indexOf('\r\n\r\n') + 4);
      assert.equal(body.length, c.seen, JSON.stringify(left));
      assert.equal(rig.exchanges.length, 1);
    } finally {
      await rig.close();
    }
  });
}

test('a body exactly as long as its Content-Length keeps the connection', async () => {
  const rig = await startEngineRig('raw', mismatched(10, 10));
  try {
    const client = await rawClient(rig.port);
    client.write('GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.equal((await client.response()).body, 'aaaaabbbbb');
    assert.equal((await client.response()).body, 'aaaaabbbbb');
    client.socket.destroy();
  } finally {
    await rig.close();
  }
});
