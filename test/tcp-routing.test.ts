/**
 * End to end: TCP routers through the real binary (reference §1.4, §2.4, §4.2) — HostSNI to
 * TLS servers by passthrough, TLS terminated in front of a plain server, the ``HostSNI(`*`)``
 * catch-all with a server that speaks first, ClientIP rules, Traefik's GCD sequence for a
 * weighted service, PROXY headers towards servers (versions 1 and 2), and HTTP and TCP routers
 * sharing one port. Every entry point is named on the routers using it: a router without
 * entryPoints would land on all of them and change how each one decides.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';
import { startBackend, type Backend } from './support/backends.ts';
import { createTestCa, type TestCa, type TestCert } from './support/certs.ts';
import { send } from './support/http-client.ts';
import { connectTcp, connectTls, endsWith, startTcpServer, startTlsServer, type TcpTestServer } from './support/l4-servers.ts';
import { startWithDynamic, staticWithEntryPoints, type SwitchyardProcess } from './support/switchyard-process.ts';

const entryPoints = ['passthrough', 'terminate', 'plain', 'clientip', 'weighted', 'proxyv1', 'proxyv2', 'shared'];

let ca: TestCa;
let aCert: TestCert;
let bCert: TestCert;
let echoCert: TestCert;
/** Servers by role. */
let tlsA: TcpTestServer;
let tlsB: TcpTestServer;
let echo: TcpTestServer;
let banner: TcpTestServer;
let local: TcpTestServer;
let others: TcpTestServer;
let heavy: TcpTestServer;
let light: TcpTestServer;
let recordV1: TcpTestServer;
let recordV2: TcpTestServer;
let sharedEcho: TcpTestServer;
let web: Backend;
let sy: SwitchyardProcess;

before(async () => {
  ca = createTestCa();
  aCert = ca.issue({ dns: ['a.example'] });
  bCert = ca.issue({ dns: ['b.example'] });
  echoCert = ca.issue({ dns: ['echo.example'] });
  tlsA = await startTlsServer('server-a', aCert);
  tlsB = await startTlsServer('server-b', bCert);
  echo = await startTcpServer('echo');
  banner = await startTcpServer('banner', { banner: true });
  local = await startTcpServer('local', { banner: true });
  others = await startTcpServer('others', { banner: true });
  heavy = await startTcpServer('a', { banner: true });
  light = await startTcpServer('b', { banner: true });
  recordV1 = await startTcpServer('record-v1');
  recordV2 = await startTcpServer('record-v2');
  sharedEcho = await startTcpServer('shared-echo');
  web = await startBackend('web');
  ({ sy } = await startWithDynamic(dynamic(), entryPoints, (file) => staticWithEntryPoints(file, entryPoints.map((name) => `  ${name}:\n    address: "127.0.0.1:0"\n`).join(''))));
});

after(async () => {
  await sy?.stop();
  for (const s of [tlsA, tlsB, echo, banner, local, others, heavy, light, recordV1, recordV2, sharedEcho]) await s?.close();
  await web?.close();
});

function dynamic(): string {
  const lb = (server: TcpTestServer, transport?: string): string =>
    `{loadBalancer: {${transport !== undefined ? `serversTransport: ${transport}, ` : ''}servers: [{address: "${server.address}"}]}}`;
  return `
tcp:
  routers:
    to-a:
      entryPoints: [passthrough]
      rule: "HostSNI(\`a.example\`)"
      service: tls-a
      tls: {passthrough: true}
    to-b:
      entryPoints: [passthrough]
      rule: "HostSNI(\`b.example\`)"
      service: tls-b
      tls: {passthrough: true}
    terminated:
      entryPoints: [terminate]
      rule: "HostSNI(\`echo.example\`)"
      service: echo
      tls: {}
    anything:
      entryPoints: [plain]
      rule: "HostSNI(\`*\`)"
      service: banner
    from-local:
      entryPoints: [clientip]
      rule: "ClientIP(\`127.0.0.1\`)"
      service: local
    from-others:
      entryPoints: [clientip]
      rule: "ClientIP(\`127.0.0.2/31\`)"
      service: others
    three-to-one:
      entryPoints: [weighted]
      rule: "HostSNI(\`*\`)"
      service: three-to-one
    proxy-v1:
      entryPoints: [proxyv1]
      rule: "HostSNI(\`*\`)"
      service: record-v1
    proxy-v2:
      entryPoints: [proxyv2]
      rule: "HostSNI(\`*\`)"
      service: record-v2
    shared-tls:
      entryPoints: [shared]
      rule: "HostSNI(\`echo.example\`)"
      service: shared-echo
      tls: {}
  services:
    tls-a: ${lb(tlsA)}
    tls-b: ${lb(tlsB)}
    echo: ${lb(echo)}
    banner: ${lb(banner)}
    local: ${lb(local)}
    others: ${lb(others)}
    heavy: ${lb(heavy)}
    light: ${lb(light)}
    three-to-one:
      weighted:
        services:
          - {name: heavy, weight: 3}
          - {name: light, weight: 1}
    record-v1: ${lb(recordV1, 'proxy-v1')}
    record-v2: ${lb(recordV2, 'proxy-v2')}
    shared-echo: ${lb(sharedEcho)}
  serversTransports:
    proxy-v1:
      proxyProtocol: {version: 1}
    proxy-v2:
      proxyProtocol: {version: 2}
http:
  routers:
    shared-web:
      entryPoints: [shared]
      rule: "PathPrefix(\`/\`)"
      service: web
  services:
    web:
      loadBalancer:
        servers: [{url: "${web.url}"}]
tls:
  certificates:
    - certFile: ${JSON.stringify(echoCert.certFile)}
      keyFile: ${JSON.stringify(echoCert.keyFile)}
`;
}

/** Connects to `entryPoint` in plain TCP and resolves with the banner line the server wrote first. */
async function bannerFrom(entryPoint: string, localAddress?: string): Promise<string> {
  const { socket, received } = await connectTcp(sy.ports.get(entryPoint), localAddress);
  const line = await received.until(endsWith('\n'), 'the banner');
  socket.destroy();
  return line.toString('utf8');
}

test('HostSNI with passthrough: each name reaches its own TLS server, which presents its own certificate', async () => {
  for (const [name, server] of [['a.example', 'server-a'], ['b.example', 'server-b']] as const) {
    const { socket, received } = await connectTls(sy.ports.get('passthrough'), { servername: name, ca: ca.cert });
    // The handshake verified against the CA for `name`: the certificate is the server's, not Switchyard's.
    assert.equal(socket.getPeerX509Certificate()?.subjectAltName, `DNS:${name}`);
    assert.equal((await received.until(endsWith('\n'), 'the server name')).toString(), `${server}\n`);
    socket.write('ping\n');
    assert.equal((await received.until(endsWith('ping\n'), 'the echo')).toString(), `${server}\nping\n`);
    socket.destroy();
  }
});

test('a TCP router with tls terminates it: the client speaks TLS, the server receives plaintext', async () => {
  const before = echo.connections.length;
  const { socket, received } = await connectTls(sy.ports.get('terminate'), { servername: 'echo.example', ca: ca.cert });
  assert.equal(socket.getPeerX509Certificate()?.subjectAltName, 'DNS:echo.example');
  socket.write('hello in the clear\n');
  assert.equal((await received.until(endsWith('\n'), 'the echo')).toString(), 'hello in the clear\n');
  socket.destroy();
  assert.equal(echo.connections.length, before + 1);
  assert.equal(echo.connections[before]!.received.text(), 'hello in the clear\n');
});

test('HostSNI(`*`) on an entry point without TLS routers: a server that speaks first is heard before the client sends a byte', async () => {
  const { socket, received } = await connectTcp(sy.ports.get('plain'));
  assert.equal((await received.until(endsWith('\n'), 'the banner')).toString(), 'banner\n');
  socket.write('after the banner\n');
  assert.equal((await received.until(endsWith('after the banner\n'), 'the echo')).toString(), 'banner\nafter the banner\n');
  socket.destroy();
});

test('ClientIP rules choose the service by the client address', async () => {
  assert.equal(await bannerFrom('clientip'), 'local\n');
  assert.equal(await bannerFrom('clientip', '127.0.0.2'), 'others\n');
  assert.equal(await bannerFrom('clientip', '127.0.0.3'), 'others\n');
  assert.equal(await bannerFrom('clientip'), 'local\n');
});

/** A free port on 127.0.0.1 to connect from: the system's choice for a listener, closed again. */
async function freeLocalPort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

/**
 * The banner of `entryPoint` over a connection from 127.0.0.1:`localPort`. With several workers,
 * the kernel picks the reusePort socket (hence the worker) by hashing the connection's
 * addresses and ports, so successive connections from the same port reach the same worker. The
 * connection ends with a reset, which leaves no TIME_WAIT to keep the port from the next one.
 */
async function bannerFromPort(entryPoint: string, localPort: number): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port: sy.ports.get(entryPoint)!, localAddress: '127.0.0.1', localPort });
  let text = '';
  socket.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    socket.on('data', (d: string) => {
      text += d;
      if (text.endsWith('\n')) resolve();
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`the connection closed before the banner (got ${JSON.stringify(text)})`)));
  });
  socket.removeAllListeners('close');
  socket.on('error', () => {});
  socket.resetAndDestroy();
  await once(socket, 'close');
  return text;
}

test('a weighted service 3:1 follows the GCD sequence a a a b a a a b over successive connections', async () => {
  // The sequence is one process's: the connections share their four-tuple, so when several
  // workers share the port they all reach the same one.
  const localPort = await freeLocalPort();
  const seen: string[] = [];
  for (let i = 0; i < 8; i++) seen.push((await bannerFromPort('weighted', localPort)).trim());
  assert.deepEqual(seen, ['a', 'a', 'a', 'b', 'a', 'a', 'a', 'b']);
});

test('serversTransport proxyProtocol version 1: the server reads the client address in a PROXY line first', async () => {
  const before = recordV1.connections.length;
  const { socket, received } = await connectTcp(sy.ports.get('proxyv1'));
  socket.write('payload\n');
  await received.until(endsWith('payload\n'), 'the echo');
  const clientPort = socket.localPort!;
  socket.destroy();
  assert.equal(recordV1.connections[before]!.received.text(),
    `PROXY TCP4 127.0.0.1 127.0.0.1 ${clientPort} ${sy.ports.get('proxyv1')}\r\npayload\n`);
});

test('serversTransport proxyProtocol version 2: the server reads the binary header first', async () => {
  const before = recordV2.connections.length;
  const { socket, received } = await connectTcp(sy.ports.get('proxyv2'));
  socket.write('payload\n');
  await received.until(endsWith('payload\n'), 'the echo');
  const clientPort = socket.localPort!;
  socket.destroy();
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(clientPort, 0);
  ports.writeUInt16BE(sy.ports.get('proxyv2')!, 2);
  const expected = Buffer.concat([
    Buffer.from('0d0a0d0a000d0a515549540a', 'hex'), // signature
    Buffer.from([0x21, 0x11, 0x00, 0x0c]), // version 2 PROXY, TCP over IPv4, 12 address bytes
    Buffer.from([127, 0, 0, 1, 127, 0, 0, 1]),
    ports,
    Buffer.from('payload\n'),
  ]);
  assert.deepEqual(recordV2.connections[before]!.received.bytes(), expected);
});

test('an HTTP router and a TCP TLS router share one entry point', async () => {
  const answer = await send(sy.ports.get('shared'), { path: '/page' });
  assert.equal(answer.status, 200);
  assert.equal((JSON.parse(answer.text()) as { server: string; url: string }).server, 'web');

  const { socket, received } = await connectTls(sy.ports.get('shared'), { servername: 'echo.example', ca: ca.cert });
  socket.write('over tcp\n');
  assert.equal((await received.until(endsWith('\n'), 'the echo')).toString(), 'over tcp\n');
  socket.destroy();
  assert.equal(sharedEcho.connections.at(-1)!.received.text(), 'over tcp\n');
});
