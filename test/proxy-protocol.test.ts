/**
 * End to end: PROXY protocol on entry points (reference §10.1 proxyProtocol) through the real
 * binary. A version 1 or 2 header from a trusted peer makes its source the client IP, which
 * X-Forwarded-For, X-Real-Ip and ClientIP rules (HTTP and TCP) see; from an untrusted peer the
 * header is read and ignored (go-proxyproto's IGNORE policy, as Traefik uses it) and the request
 * still works; `insecure` trusts every peer; a malformed header closes the connection; TLS
 * after a header works. A TCP service that sends PROXY headers on to its server forwards the
 * client and the destination the trusted header gave, as Traefik's dialer does with
 * go-proxyproto's RemoteAddr and LocalAddr.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { startBackend, type Backend } from './support/backends.ts';
import { createTestCa, type TestCa, type TestCert } from './support/certs.ts';
import { collect, connectTls, endsWith, startTcpServer, type TcpTestServer } from './support/l4-servers.ts';
import { proxyV1, proxyV2 } from './support/proxy-header.ts';
import { startWithDynamic, staticWithEntryPoints, type SwitchyardProcess } from './support/switchyard-process.ts';

let ca: TestCa;
let secureCert: TestCert;
let proxied: Backend;
let direct: Backend;
let proxiedTcp: TcpTestServer;
let directTcp: TcpTestServer;
let sy: SwitchyardProcess;

before(async () => {
  ca = createTestCa();
  secureCert = ca.issue({ dns: ['secure.example'] });
  proxied = await startBackend('proxied');
  direct = await startBackend('direct');
  proxiedTcp = await startTcpServer('proxied', { banner: true });
  directTcp = await startTcpServer('direct', { banner: true });
  ({ sy } = await startWithDynamic(`
http:
  routers:
    proxied:
      entryPoints: [trusted, insecure]
      rule: "ClientIP(\`203.0.113.7\`)"
      service: proxied
    everyone:
      entryPoints: [trusted, insecure]
      rule: "PathPrefix(\`/\`)"
      service: direct
    secure:
      entryPoints: [trusted]
      rule: "Host(\`secure.example\`)"
      service: direct
      tls: {}
  services:
    proxied:
      loadBalancer:
        servers: [{url: "${proxied.url}"}]
    direct:
      loadBalancer:
        servers: [{url: "${direct.url}"}]
tcp:
  routers:
    proxied:
      entryPoints: [tcp]
      rule: "ClientIP(\`203.0.113.7\`)"
      service: proxied
    loopback:
      entryPoints: [tcp]
      rule: "ClientIP(\`127.0.0.0/8\`)"
      service: direct
  services:
    proxied:
      loadBalancer:
        serversTransport: proxy-v1
        servers: [{address: "${proxiedTcp.address}"}]
    direct:
      loadBalancer:
        servers: [{address: "${directTcp.address}"}]
  serversTransports:
    proxy-v1:
      proxyProtocol: {version: 1}
tls:
  certificates:
    - certFile: ${JSON.stringify(secureCert.certFile)}
      keyFile: ${JSON.stringify(secureCert.keyFile)}
`, ['trusted', 'insecure', 'tcp'], (file) => staticWithEntryPoints(file, `  trusted:
    address: "127.0.0.1:0"
    proxyProtocol:
      trustedIPs: ["127.0.0.1/32"]
  insecure:
    address: "127.0.0.1:0"
    proxyProtocol:
      insecure: true
  tcp:
    address: "127.0.0.1:0"
    proxyProtocol:
      trustedIPs: ["127.0.0.1/32"]
`)));
});

after(async () => {
  await sy?.stop();
  await proxied?.close();
  await direct?.close();
  await proxiedTcp?.close();
  await directTcp?.close();
});

interface Seen {
  /** The backend that answered: `proxied` when the ClientIP(`203.0.113.7`) router matched. */
  readonly server: string;
  readonly xForwardedFor: string | undefined;
  readonly xRealIp: string | undefined;
}

/** Opens a TCP connection to `entryPoint` (from `localAddress`) and writes `header` first. */
function connectWithHeader(entryPoint: string, header: Buffer | null, localAddress?: string): Socket {
  const port = sy.ports.get(entryPoint);
  if (port === undefined) throw new Error(`entry point ${entryPoint} is not listening`);
  const socket = connect({ host: '127.0.0.1', port, ...(localAddress !== undefined ? { localAddress } : {}) });
  if (header !== null) socket.write(header);
  return socket;
}

/** Sends GET / over `connection` (already carrying whatever was written first) and reads what the backend saw. */
function getOver(connection: Duplex, host = 'app.example'): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = request({ createConnection: () => connection, path: '/', headers: { host, connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => {
        if (res.statusCode !== 200) {
          reject(new Error(`status ${res.statusCode}: ${body}`));
          return;
        }
        const seen = JSON.parse(body) as { server: string; headers: Record<string, string | undefined> };
        resolve({ server: seen.server, xForwardedFor: seen.headers['x-forwarded-for'], xRealIp: seen.headers['x-real-ip'] });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const hasLine = (received: Buffer): boolean => received.includes(0x0a);
const firstLine = (received: Buffer): string => received.toString('latin1').split('\n')[0]!;

const fromProxied: Seen = { server: 'proxied', xForwardedFor: '203.0.113.7', xRealIp: '203.0.113.7' };

test('a version 1 header from a trusted peer sets the client IP', async () => {
  const seen = await getOver(connectWithHeader('trusted', proxyV1('203.0.113.7', 40_000, '198.51.100.1', 443)));
  assert.deepEqual(seen, fromProxied);
});

test('a version 2 header from a trusted peer sets the client IP', async () => {
  const seen = await getOver(connectWithHeader('trusted', proxyV2('203.0.113.7', 40_000, '198.51.100.1', 443)));
  assert.deepEqual(seen, fromProxied);
});

test('without a header, a trusted peer is its own client IP', async () => {
  const seen = await getOver(connectWithHeader('trusted', null));
  assert.deepEqual(seen, { server: 'direct', xForwardedFor: '127.0.0.1', xRealIp: '127.0.0.1' });
});

test('from an untrusted peer the header is ignored: the peer stays the client IP and the request is served', async () => {
  for (const header of [proxyV1('203.0.113.7', 40_000, '198.51.100.1', 443), proxyV2('203.0.113.7', 40_000, '198.51.100.1', 443)]) {
    const seen = await getOver(connectWithHeader('trusted', header, '127.0.0.2'));
    assert.deepEqual(seen, { server: 'direct', xForwardedFor: '127.0.0.2', xRealIp: '127.0.0.2' });
  }
});

test('insecure: true believes the header from any peer', async () => {
  const seen = await getOver(connectWithHeader('insecure', proxyV1('203.0.113.7', 40_000, '198.51.100.1', 443), '127.0.0.2'));
  assert.deepEqual(seen, fromProxied);
});

test('a malformed header closes the connection without an answer', async () => {
  const malformed = [
    'PROXY TCP4 999.0.0.1 198.51.100.1 40000 443\r\n', // not an IPv4 address
    'PROXY TCP4 203.0.113.7 198.51.100.1 40000\r\n', // a field missing
    'PROXY TCP9 203.0.113.7 198.51.100.1 40000 443\r\n', // unknown protocol
  ];
  for (const header of malformed) {
    const socket = connectWithHeader('trusted', Buffer.from(`${header}GET / HTTP/1.1\r\nHost: app.example\r\n\r\n`));
    const received = await collect(socket).closed();
    assert.equal(received.length, 0, `answered ${JSON.stringify(received.toString())} to ${JSON.stringify(header)}`);
  }
  // A version 2 header with version nibble 3.
  const badVersion = proxyV2('203.0.113.7', 40_000, '198.51.100.1', 443);
  badVersion[12] = 0x31;
  const received = await collect(connectWithHeader('trusted', badVersion)).closed();
  assert.equal(received.length, 0);
});

test('a TCP router behind PROXY protocol matches ClientIP on the proxied address, and forwards it in its own PROXY header', async () => {
  const before = proxiedTcp.connections.length;
  const header = proxyV1('203.0.113.7', 40_000, '198.51.100.1', 8443);
  const socket = connectWithHeader('tcp', header);
  const received = collect(socket);
  // The server speaks first: the router matched on the header alone.
  assert.equal(firstLine(await received.until(hasLine, 'the banner')), 'proxied');
  socket.write('data\n');
  // The server echoes everything it read: the header Switchyard sent it, then the data.
  const expectedAtServer = 'PROXY TCP4 203.0.113.7 198.51.100.1 40000 8443\r\ndata\n';
  assert.equal((await received.until(endsWith('data\n'), 'the echo')).toString(), `proxied\n${expectedAtServer}`);
  socket.destroy();
  assert.equal(proxiedTcp.connections[before]!.received.text(), expectedAtServer);

  // The same header from an untrusted peer is ignored: the loopback router takes it.
  const untrusted = connectWithHeader('tcp', header, '127.0.0.2');
  assert.equal(firstLine(await collect(untrusted).until(hasLine, 'the banner')), 'direct');
  untrusted.destroy();

  // From a trusted peer, a header naming a loopback client takes the loopback router.
  const loopback = connectWithHeader('tcp', proxyV1('127.0.0.9', 1, '127.0.0.1', 2));
  assert.equal(firstLine(await collect(loopback).until(hasLine, 'the banner')), 'direct');
  loopback.destroy();
});

test('TLS after a version 2 header: the HTTPS request is served with the proxied client IP', async () => {
  const raw = connectWithHeader('trusted', proxyV2('203.0.113.7', 40_000, '198.51.100.1', 443));
  const { socket } = await connectTls(undefined, { socket: raw, servername: 'secure.example', ca: ca.cert });
  assert.equal(socket.getPeerX509Certificate()?.subjectAltName, 'DNS:secure.example');
  const seen = await getOver(socket, 'secure.example');
  assert.deepEqual(seen, { server: 'direct', xForwardedFor: '203.0.113.7', xRealIp: '203.0.113.7' });
});
