import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Exchange } from '../../lib/exchange.ts';
import { eventually, rawClient, startEngineRig } from './testing/engine-rig.ts';

function ok(exchange: Exchange): void {
  exchange.response.writeHead(200, ['Content-Length', '2']);
  exchange.response.write(Buffer.from('ok'));
  exchange.response.end();
}

test('stopAccepting closes idle keep-alive connections and lets requests in flight finish with Connection: close', async () => {
  const held: Exchange[] = [];
  const rig = await startEngineRig('raw', (ex) => {
    if (ex.request.path === '/hold') held.push(ex);
    else ok(ex);
  });
  try {
    const idle = await rawClient(rig.port);
    idle.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await idle.response();
    const busy = await rawClient(rig.port);
    busy.write('GET /hold HTTP/1.1\r\nHost: a\r\n\r\n');
    await eventually(() => held.length === 1, 'held request dispatched');
    assert.equal(rig.entryPoint.inFlight, 1);
    let idleResolved = false;
    const idleDone = rig.entryPoint.whenIdle().then(() => {
      idleResolved = true;
    });
    rig.entryPoint.stopAccepting();
    assert.equal(await idle.closed(), '', 'the idle connection is closed');
    assert.equal(idleResolved, false);
    ok(held[0]!);
    const last = await busy.response();
    assert.equal(last.headers.find(([k]) => k === 'Connection')?.[1], 'close');
    await busy.closed();
    await idleDone;
    assert.equal(rig.entryPoint.inFlight, 0);
    // A connection handed over after the stop is cut at once.
    const late = connect(rig.port, '127.0.0.1');
    await new Promise((resolve) => late.once('close', resolve));
  } finally {
    await rig.close();
  }
});

test('a client that goes away while its request is served is reported gone, and the request settles', async () => {
  const held: Exchange[] = [];
  const rig = await startEngineRig('raw', (ex) => held.push(ex));
  try {
    const client = await rawClient(rig.port);
    client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await eventually(() => held.length === 1, 'dispatched');
    let told = false;
    held[0]!.onClientGone(() => {
      told = true;
    });
    client.socket.destroy();
    await eventually(() => rig.done.length === 1, 'settled');
    assert.equal(told, true);
    assert.equal(held[0]!.clientGone, true);
    assert.equal(held[0]!.signal.aborted, true);
    assert.equal(rig.entryPoint.inFlight, 0);
    // Writing to a response whose client is gone is harmless.
    held[0]!.response.writeHead(200, []);
    held[0]!.response.write(Buffer.from('late'));
    held[0]!.response.end();
  } finally {
    await rig.close();
  }
});

test('a client that half-closes while its request is served is taken as gone, as node:http does', async () => {
  const held: Exchange[] = [];
  const rig = await startEngineRig('raw', (ex) => held.push(ex));
  try {
    const client = await rawClient(rig.port);
    client.socket.end('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await eventually(() => rig.done.length === 1, 'settled');
    assert.equal(held[0]!.clientGone, true);
    await client.closed();
  } finally {
    await rig.close();
  }
});

test('closeAll cuts requests in flight and whenIdle resolves', async () => {
  const rig = await startEngineRig('raw', () => {});
  try {
    const client = await rawClient(rig.port);
    client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await eventually(() => rig.exchanges.length === 1, 'dispatched');
    rig.entryPoint.stopAccepting();
    const idle = rig.entryPoint.whenIdle();
    rig.entryPoint.closeAll();
    await idle;
    await client.closed();
    assert.equal(rig.exchanges[0]!.clientGone, true);
  } finally {
    await rig.close();
  }
});
