/**
 * Forwarding TCP connections to real loopback servers: half-close and terminationDelay on a
 * manual clock, dial failures, PROXY headers, TLS to servers with a private CA and a client
 * certificate.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { createTestCa } from '../../../test/support/certs.ts';
import { createSystemClock } from '../../lib/clock.ts';
import { createManualClock } from '../../lib/manual-clock.ts';
import type { TcpHandler } from '../../lib/tcp-connection.ts';
import { splitHostPort, type HostPort } from './host-port.ts';
import type { TcpClientTlsSettings, TcpDialSettings } from './tcp-dial.ts';
import { createTcpForward } from './tcp-forward.ts';
import { exchange, listen, listenFront, readUntil, type Listening } from './testing/tcp-rig.ts';

const open: Listening[] = [];
after(async () => {
  for (const l of open) await l.close();
});
async function track(l: Promise<Listening>): Promise<Listening> {
  const it = await l;
  open.push(it);
  return it;
}

function settings(extra: Partial<TcpDialSettings> = {}): TcpDialSettings {
  return { name: 'test', dialTimeoutMs: 0, dialKeepAliveMs: 0, terminationDelayMs: 100, proxyProtocol: null, tls: null, ...extra };
}

function target(port: number): HostPort {
  return splitHostPort(`127.0.0.1:${port}`) as HostPort;
}

/** A front whose connections go to `port` with `extra` settings. */
async function frontTo(port: number, extra: Partial<TcpDialSettings> = {}, tls = false, clock = createSystemClock()): Promise<Listening> {
  const handler: TcpHandler = createTcpForward({ target: target(port), tls, settings: settings(extra), clock });
  return track(listenFront(() => handler));
}

test('bytes flow both ways and the connection ends when both sides have ended', async () => {
  const echo = await track(listen((s) => s.pipe(s)));
  const front = await frontTo(echo.port);
  assert.deepEqual(await exchange(front.port, 'hello'), { data: 'hello', ended: true });
});

test('half-close: the client ends writing, the server still answers, then closes after terminationDelay', async () => {
  const clock = createManualClock();
  let serverSide: Socket | undefined;
  let gotEnd: (text: string) => void = () => undefined;
  const serverGotEnd = new Promise<string>((resolve) => (gotEnd = resolve));
  const server = await track(listen((s) => {
    serverSide = s;
    let got = '';
    s.on('data', (c: Buffer) => (got += c.toString()));
    // The client's FIN reaches the server; it answers after it, and never ends itself.
    s.once('end', () => {
      s.write(`answer to ${got}`);
      gotEnd(got);
    });
  }));
  const front = await frontTo(server.port, { terminationDelayMs: 1_000 }, false, clock);
  const client = connect({ host: '127.0.0.1', port: front.port, allowHalfOpen: true });
  await once(client, 'connect');
  const answer = readUntil(client, 'answer to question');
  client.end('question');
  assert.equal(await serverGotEnd, 'question');
  assert.equal(await answer, 'answer to question');
  assert.equal(client.destroyed, false, 'the connection stays open during the termination delay');
  const closed = once(client, 'close');
  clock.advance(999);
  assert.equal(client.destroyed, false);
  clock.advance(1);
  await closed;
  // The proxy closed its connection to the server too: the server's next write is refused.
  const serverClosed = new Promise((r) => serverSide!.once('close', r));
  const write = (): void => {
    if (!serverSide!.destroyed) serverSide!.write('late', (err) => (err ? undefined : setImmediate(write)));
  };
  write();
  await serverClosed;
});

test('a negative terminationDelay never forces the close: the server ends when it wants', async () => {
  const clock = createManualClock();
  let finish: (() => void) | undefined;
  const server = await track(listen((s) => {
    s.resume();
    s.once('end', () => {
      s.write('still here');
      finish = () => s.end(' bye');
    });
  }));
  const front = await frontTo(server.port, { terminationDelayMs: -1 }, false, clock);
  const client = connect({ host: '127.0.0.1', port: front.port, allowHalfOpen: true });
  await once(client, 'connect');
  client.end('x');
  const chunks: string[] = [];
  client.on('data', (c: Buffer) => chunks.push(c.toString()));
  await readUntil(client, 'still here');
  clock.advance(3_600_000);
  assert.equal(client.destroyed, false);
  assert.equal(clock.pending(), 0, 'no timer forces the close');
  const ended = once(client, 'end');
  finish!();
  await ended;
  assert.equal(chunks.join(''), 'still here bye');
});

test('a server that cannot be dialed closes the client connection, without retry', async () => {
  const gone = await listen(() => undefined);
  const port = gone.port;
  await gone.close();
  const front = await frontTo(port);
  assert.equal((await exchange(front.port, 'x', false)).data, '');
});

test('the dial timeout covers the TLS handshake and runs on the clock', async () => {
  const clock = createManualClock();
  let accepted: () => void = () => undefined;
  const silent = await track(listen(() => accepted()));
  const reached = new Promise<void>((r) => (accepted = r));
  const front = await frontTo(silent.port, { dialTimeoutMs: 500 }, true, clock);
  const client = connect({ host: '127.0.0.1', port: front.port });
  const closed = once(client, 'close');
  // The server accepts and never answers the ClientHello.
  await reached;
  clock.advance(499);
  assert.equal(client.destroyed, false);
  clock.advance(1);
  await closed;
});

/** A server that reads a PROXY header and reports what it carried. */
function proxyHeaderServer(): Promise<{ listening: Listening; header: Promise<Buffer> }> {
  let deliver: (b: Buffer) => void = () => undefined;
  const header = new Promise<Buffer>((r) => (deliver = r));
  return listen((s) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.once('end', () => {
      deliver(Buffer.concat(chunks));
      s.end();
    });
  }).then((listening) => ({ listening, header }));
}

test('proxyProtocol version 1 sends the client address and the address it connected to first', async () => {
  const { listening, header } = await proxyHeaderServer();
  open.push(listening);
  const front = await frontTo(listening.port, { proxyProtocol: 1 });
  const client = connect({ host: '127.0.0.1', port: front.port });
  await once(client, 'connect');
  const clientPort = client.localPort!;
  client.end('payload');
  const got = (await header).toString('latin1');
  assert.equal(got, `PROXY TCP4 127.0.0.1 127.0.0.1 ${clientPort} ${front.port}\r\npayload`);
});

test('proxyProtocol version 2 sends the binary header with the client address', async () => {
  const { listening, header } = await proxyHeaderServer();
  open.push(listening);
  const front = await frontTo(listening.port, { proxyProtocol: 2 });
  const client = connect({ host: '127.0.0.1', port: front.port });
  await once(client, 'connect');
  const clientPort = client.localPort!;
  client.end('payload');
  const got = await header;
  assert.deepEqual(got.subarray(0, 12), Buffer.from('0d0a0d0a000d0a515549540a', 'hex'), 'v2 signature');
  assert.equal(got[12], 0x21, 'version 2, PROXY command');
  assert.equal(got[13], 0x11, 'TCP over IPv4');
  const length = got.readUInt16BE(14);
  const body = got.subarray(16, 16 + length);
  assert.deepEqual([...body.subarray(0, 4)], [127, 0, 0, 1], 'source address');
  assert.deepEqual([...body.subarray(4, 8)], [127, 0, 0, 1], 'destination address');
  assert.equal(body.readUInt16BE(8), clientPort, 'source port');
  assert.equal(body.readUInt16BE(10), front.port, 'destination port');
  assert.equal(got.subarray(16 + length).toString(), 'payload');
});

const ca = createTestCa();
const serverCert = ca.issue({ dns: ['db.internal'], ips: ['127.0.0.1'], uris: ['spiffe://example.org/db'] });
const clientCert = ca.issue({ client: true, commonName: 'switchyard' });

/** A TLS server (certificate from the private CA) that writes the CN of the client certificate, or `anonymous`. */
async function tlsServer(requireClientCert: boolean): Promise<number> {
  const server = createTlsServer({
    cert: serverCert.cert, key: serverCert.key, ca: [ca.cert], requestCert: requireClientCert, rejectUnauthorized: requireClientCert,
  }, (s: TLSSocket) => {
    const peer = s.getPeerCertificate();
    s.end(`hello ${peer?.subject?.CN ?? 'anonymous'}`);
  });
  server.on('tlsClientError', () => undefined);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  open.push({ port: 0, server: server as never, close: () => new Promise((r) => server.close(() => r())) });
  return (server.address() as { port: number }).port;
}

function tlsSettings(extra: Partial<TcpClientTlsSettings> = {}): TcpClientTlsSettings {
  return { serverName: '', insecureSkipVerify: false, rootCAs: [ca.cert], certificates: [], peerCertURI: '', ...extra };
}

test('tls: true forwards over TLS, verifying the server against the private CA by its address', async () => {
  const port = await tlsServer(false);
  const front = await frontTo(port, { tls: tlsSettings() }, true);
  assert.equal((await exchange(front.port)).data, 'hello anonymous');
});

test('serverName is sent as SNI and checked against the certificate', async () => {
  const port = await tlsServer(false);
  const good = await frontTo(port, { tls: tlsSettings({ serverName: 'db.internal' }) }, true);
  assert.equal((await exchange(good.port)).data, 'hello anonymous');
  const wrong = await frontTo(port, { tls: tlsSettings({ serverName: 'other.internal' }) }, true);
  assert.equal((await exchange(wrong.port)).data, '', 'a certificate for another name closes the connection');
});

test('without the private CA the server is refused, unless insecureSkipVerify', async () => {
  const port = await tlsServer(false);
  const untrusted = await frontTo(port, { tls: tlsSettings({ rootCAs: [] }) }, true);
  assert.equal((await exchange(untrusted.port)).data, '');
  const insecure = await frontTo(port, { tls: tlsSettings({ rootCAs: [], insecureSkipVerify: true }) }, true);
  assert.equal((await exchange(insecure.port)).data, 'hello anonymous');
});

test('a client certificate from the transport is presented to a server that requires one', async () => {
  const port = await tlsServer(true);
  const without = await frontTo(port, { tls: tlsSettings() }, true);
  assert.equal((await exchange(without.port)).data, '', 'refused without a client certificate');
  const withCert = await frontTo(port, { tls: tlsSettings({ certificates: [{ cert: clientCert.cert, key: clientCert.key }] }) }, true);
  assert.equal((await exchange(withCert.port)).data, 'hello switchyard');
});

test('peerCertURI requires that URI SAN on the server certificate', async () => {
  const port = await tlsServer(false);
  const match = await frontTo(port, { tls: tlsSettings({ peerCertURI: 'spiffe://example.org/db' }) }, true);
  assert.equal((await exchange(match.port)).data, 'hello anonymous');
  const mismatch = await frontTo(port, { tls: tlsSettings({ peerCertURI: 'spiffe://example.org/other' }) }, true);
  assert.equal((await exchange(mismatch.port)).data, '');
  const insecure = await frontTo(port, { tls: tlsSettings({ peerCertURI: 'spiffe://example.org/other', insecureSkipVerify: true }) }, true);
  assert.equal((await exchange(insecure.port)).data, '', 'insecureSkipVerify does not skip peerCertURI');
});
