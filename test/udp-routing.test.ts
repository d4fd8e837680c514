/**
 * End to end: UDP routing (reference §1.5, §4.2). Through the real binary, datagrams from two
 * clients each reach the server their session started on and the replies come back, and a
 * weighted service spreads new sessions by Traefik's GCD sequence. In-process with a manual
 * clock, a session ends after the entry point's `udp.timeout` without a datagram, and the same
 * client then starts a new session (on the next server of the round robin).
 *
 * UDP entry points here have `graceTimeOut: 0s`: the stop would otherwise wait for open
 * sessions to go idle (Traefik's UDP shutdown), which the manual clock never lets happen.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../src/lib/manual-clock.ts';
import { startInProcess, type InProcessSwitchyard } from './support/in-process.ts';
import { startUdpServer, udpClient, type UdpTestClient, type UdpTestServer } from './support/l4-servers.ts';
import { startWithDynamic, staticWithEntryPoints, type SwitchyardProcess } from './support/switchyard-process.ts';

const udpEntryPoint = (name: string, timeout: string): string => `  ${name}:
    address: "127.0.0.1:0/udp"
    udp:
      timeout: ${timeout}
    transport:
      lifeCycle:
        graceTimeOut: 0s
`;

/**
 * A datagram lost on loopback would leave an exchange waiting: this cap fails the test instead
 * of hanging the run. It is a safety net, never what a test asserts.
 */
const cap = { timeout: 30_000 };

/** Runs `body` with fresh clients and closes them whatever happens. */
async function withClients<T>(count: number, port: number | undefined, body: (clients: UdpTestClient[]) => Promise<T>): Promise<T> {
  const clients: UdpTestClient[] = [];
  try {
    for (let i = 0; i < count; i++) clients.push(await udpClient(port));
    return await body(clients);
  } finally {
    for (const c of clients) await c.close();
  }
}

describe('through the binary', cap, () => {
  let first: UdpTestServer;
  let second: UdpTestServer;
  let heavy: UdpTestServer;
  let light: UdpTestServer;
  let sy: SwitchyardProcess;

  before(async () => {
    first = await startUdpServer('first');
    second = await startUdpServer('second');
    heavy = await startUdpServer('a');
    light = await startUdpServer('b');
    ({ sy } = await startWithDynamic(`
udp:
  routers:
    pair:
      entryPoints: [dns]
      service: pair
    three-to-one:
      entryPoints: [weighted]
      service: three-to-one
  services:
    pair:
      loadBalancer:
        servers: [{address: "${first.address}"}, {address: "${second.address}"}]
    heavy:
      loadBalancer:
        servers: [{address: "${heavy.address}"}]
    light:
      loadBalancer:
        servers: [{address: "${light.address}"}]
    three-to-one:
      weighted:
        services:
          - {name: heavy, weight: 3}
          - {name: light, weight: 1}
`, ['dns', 'weighted'], (file) => staticWithEntryPoints(file, udpEntryPoint('dns', '1h') + udpEntryPoint('weighted', '1h'))));
  });

  after(async () => {
    await sy?.stop();
    for (const s of [first, second, heavy, light]) await s?.close();
  });

  test('the UDP entry points log their bound port', () => {
    for (const name of ['dns', 'weighted']) {
      const line = sy.lines.find((l) => l.message === 'entry point listening' && l.entryPoint === name);
      assert.equal(line?.['protocol'], 'udp');
      assert.equal(typeof line?.['port'], 'number');
      assert.notEqual(line?.['port'], 0);
    }
  });

  test('datagrams from two clients reach the server of their session and the replies come back', async () => {
    await withClients(2, sy.ports.get('dns'), async ([one, two]) => {
      assert.equal(await one!.exchange('q1'), 'first:q1');
      assert.equal(await two!.exchange('q2'), 'second:q2');
      // Later datagrams stay in their sessions.
      assert.equal(await one!.exchange('q3'), 'first:q3');
      assert.equal(await two!.exchange('q4'), 'second:q4');
      assert.equal(await one!.exchange('q5'), 'first:q5');
    });
    // One session, so one source port towards each server.
    assert.equal(first.peers.length, 3);
    assert.equal(new Set(first.peers).size, 1);
    assert.equal(second.peers.length, 2);
    assert.equal(new Set(second.peers).size, 1);
  });

  test('a weighted service 3:1 gives new sessions a a a b a a a b', async () => {
    const seen = await withClients(8, sy.ports.get('weighted'), async (clients) => {
      const out: string[] = [];
      for (const c of clients) out.push(await c.exchange('hi'));
      // A second datagram of the first client stays on its server.
      out.push(await clients[0]!.exchange('again'));
      return out;
    });
    assert.deepEqual(seen, ['a:hi', 'a:hi', 'a:hi', 'b:hi', 'a:hi', 'a:hi', 'a:hi', 'b:hi', 'a:again']);
  });
});

describe('in process, on a manual clock', cap, () => {
  const clock = createManualClock(1_000_000);
  let first: UdpTestServer;
  let second: UdpTestServer;
  let sy: InProcessSwitchyard;

  before(async () => {
    first = await startUdpServer('first');
    second = await startUdpServer('second');
    sy = await startInProcess(`
udp:
  routers:
    pair:
      entryPoints: [dns]
      service: pair
  services:
    pair:
      loadBalancer:
        servers: [{address: "${first.address}"}, {address: "${second.address}"}]
`, clock, { entryPoints: udpEntryPoint('dns', '5s') });
  });

  after(async () => {
    await sy?.stop();
    for (const s of [first, second]) await s?.close();
  });

  test('a session lives while datagrams come within udp.timeout, and ends after it; the client then starts a new one', async () => {
    await withClients(1, sy.ports.get('dns'), async ([client]) => {
      assert.equal(await client!.exchange('q1'), 'first:q1');
      clock.advance(4_999);
      assert.equal(await client!.exchange('q2'), 'first:q2');
      // 4999 ms after the last datagram: still the same session.
      clock.advance(4_999);
      assert.equal(await client!.exchange('q3'), 'first:q3');
      // A full timeout without a datagram either way: the session is gone.
      clock.advance(5_000);
      assert.equal(await client!.exchange('q4'), 'second:q4');
      assert.equal(await client!.exchange('q5'), 'second:q5');
    });
    assert.equal(first.peers.length, 3);
    assert.equal(new Set(first.peers).size, 1);
    assert.equal(second.peers.length, 2);
  });
});
