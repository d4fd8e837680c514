import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../../lib/exchange.ts';
import { eventually, rawClient, startEngineRig } from './testing/engine-rig.ts';

/** Accepts the upgrade the way the proxy does (101 through the sink, then bytes), and echoes. */
function echoUpgrade(exchange: Exchange): void {
  const up = exchange.upgrade;
  if (up === null) {
    exchange.response.writeHead(426, ['Content-Length', '0']);
    exchange.response.end();
    return;
  }
  exchange.response.writeHead(101, ['Upgrade', 'echo']);
  if (up.head.length > 0) up.socket.write(Buffer.concat([Buffer.from('head:'), up.head]));
  up.socket.on('data', (d: Buffer) => up.socket.write(d));
  up.socket.on('end', () => up.socket.end());
  up.socket.resume();
}

const upgradeRequest = 'GET /chat HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n';

test('an upgrade hands the socket over with the bytes read past the head', async () => {
  const rig = await startEngineRig('raw', echoUpgrade);
  try {
    const client = await rawClient(rig.port);
    client.write(`${upgradeRequest}early`);
    const switching = await client.response();
    assert.equal(switching.status, 101);
    assert.deepEqual(switching.headers, [['Upgrade', 'echo'], ['Connection', 'Upgrade']]);
    await eventually(() => client.unread === 'head:early', 'leftover bytes echoed');
    client.write('GET / HTTP/1.1\r\n\r\n');
    await eventually(() => client.unread === 'head:earlyGET / HTTP/1.1\r\n\r\n', 'later bytes piped, not parsed as HTTP');
    assert.equal(rig.entryPoint.inFlight, 1, 'an upgraded connection is in flight until it closes');
    client.socket.destroy();
    await eventually(() => rig.entryPoint.inFlight === 0, 'in-flight count released on close');
    assert.equal(rig.done.length, 1);
    assert.equal(rig.done[0]!.clientGone, true);
  } finally {
    await rig.close();
  }
});

test('an upgrade request answered without switching gets the response and a close', async () => {
  const rig = await startEngineRig('raw', (ex) => {
    ex.response.writeHead(404, ['Content-Type', 'text/plain']);
    ex.response.write(Buffer.from('no route'));
    ex.response.end();
  });
  try {
    const client = await rawClient(rig.port);
    client.write(upgradeRequest);
    const response = await client.response();
    assert.equal(response.status, 404);
    assert.equal(response.body, 'no route');
    assert.deepEqual(response.headers, [['Content-Type', 'text/plain'], ['Connection', 'close']]);
  } finally {
    await rig.close();
  }
});

test('closeAll cuts upgraded connections too', async () => {
  const rig = await startEngineRig('raw', echoUpgrade);
  try {
    const client = await rawClient(rig.port);
    client.write(upgradeRequest);
    await client.response();
    rig.entryPoint.closeAll();
    await client.closed();
    await rig.entryPoint.whenIdle();
  } finally {
    await rig.close();
  }
});

test('CONNECT is refused with 400', async () => {
  const rig = await startEngineRig('raw', echoUpgrade);
  try {
    const client = await rawClient(rig.port);
    client.write('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    assert.equal((await client.response()).status, 400);
    await client.closed();
    assert.equal(rig.exchanges.length, 0);
  } finally {
    await rig.close();
  }
});
