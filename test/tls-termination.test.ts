/**
 * End to end: TLS termination through the real binary with certificates generated for the
 * test — SNI selection (exact, wildcard, default certificate), TLS options per router (client
 * certificates required, minimum version), HTTP/2 over ALPN, Traefik's 421 when the Host maps
 * to other TLS options than the SNI, the http→https entry point redirection, and a certificate
 * file replaced on disk while a connection made before stays open.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { connect as h2connect } from 'node:http2';
import { join } from 'node:path';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { startBackend, type Backend } from './support/backends.ts';
import { createTestCa, type TestCa, type TestCert } from './support/certs.ts';
import { send } from './support/http-client.ts';
import { startWithDynamic, staticWithEntryPoints, type SwitchyardProcess } from './support/switchyard-process.ts';

let ca: TestCa;
let shop: TestCert;
let wildcard: TestCert;
let fallback: TestCert;
let secure: TestCert;
let client: TestCert;
let backend: Backend;
let sy: SwitchyardProcess;
let dir: string;

before(async () => {
  ca = createTestCa();
  shop = ca.issue({ dns: ['shop.example'] });
  wildcard = ca.issue({ dns: ['*.apps.example'] });
  fallback = ca.issue({ dns: ['fallback.example'] });
  secure = ca.issue({ dns: ['secure.example'] });
  client = ca.issue({ client: true, commonName: 'alice' });
  backend = await startBackend('origin');
  const started = await startWithDynamic(dynamic(), ['web', 'websecure'], (file) => staticWithEntryPoints(file, `  web:
    address: "127.0.0.1:0"
    http:
      redirections:
        entryPoint:
          to: websecure
          scheme: https
  websecure:
    address: "127.0.0.1:0"
`, { watch: true }));
  sy = started.sy;
  dir = started.dir;
});

after(async () => {
  await sy?.stop();
  await backend?.close();
});

function dynamic(): string {
  return `
http:
  routers:
    shop:
      rule: "Host(\`shop.example\`)"
      service: origin
      tls: {}
    apps:
      rule: "HostRegexp(\`^[a-z]+\\\\.apps\\\\.example$\`)"
      service: origin
      tls: {}
    secure:
      rule: "Host(\`secure.example\`)"
      service: origin
      middlewares: [client-cert]
      tls:
        options: mtls
    modern:
      rule: "Host(\`modern.apps.example\`)"
      service: origin
      tls:
        options: modern
  middlewares:
    client-cert:
      passTLSClientCert:
        info:
          subject:
            commonName: true
  services:
    origin:
      loadBalancer:
        servers: [{url: "${backend.url}"}]
tls:
  certificates:
    - certFile: ${JSON.stringify(shop.certFile)}
      keyFile: ${JSON.stringify(shop.keyFile)}
    - certFile: ${JSON.stringify(wildcard.certFile)}
      keyFile: ${JSON.stringify(wildcard.keyFile)}
    - certFile: ${JSON.stringify(secure.certFile)}
      keyFile: ${JSON.stringify(secure.keyFile)}
  stores:
    default:
      defaultCertificate:
        certFile: ${JSON.stringify(fallback.certFile)}
        keyFile: ${JSON.stringify(fallback.keyFile)}
  options:
    mtls:
      clientAuth:
        caFiles: [${JSON.stringify(ca.certFile)}]
        clientAuthType: RequireAndVerifyClientCert
    modern:
      minVersion: VersionTLS13
`;
}

/** Opens a TLS connection and resolves with the socket once the handshake is done. */
function handshake(options: ConnectionOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: sy.ports.get('websecure'), ca: ca.cert, ...options }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** The SAN list of the certificate the proxy presented for `servername`. */
async function presented(servername: string): Promise<string> {
  const socket = await handshake({ servername, checkServerIdentity: () => undefined });
  const cert = socket.getPeerX509Certificate()!;
  socket.destroy();
  return cert.subjectAltName ?? '';
}

function get(servername: string, path: string, extra: RequestOptions = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: '127.0.0.1', port: sy.ports.get('websecure'), path, servername, ca: ca.cert, agent: false,
      headers: { host: servername }, ...extra,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('SNI picks the certificate naming the host; a one-label wildcard covers its subdomains', async () => {
  assert.equal(await presented('shop.example'), 'DNS:shop.example');
  assert.equal(await presented('api.apps.example'), 'DNS:*.apps.example');
  // A wildcard covers exactly one label.
  assert.equal(await presented('deep.api.apps.example'), 'DNS:fallback.example');
});

test('an unknown name gets the default store\'s certificate', async () => {
  assert.equal(await presented('unknown.example'), 'DNS:fallback.example');
});

test('an HTTPS request reaches the server through the router with tls', async () => {
  const res = await get('shop.example', '/buy');
  assert.equal(res.status, 200);
  const seen = JSON.parse(res.body) as { url: string; headers: Record<string, string> };
  assert.equal(seen.url, '/buy');
  assert.equal(seen.headers['x-forwarded-proto'], 'https');
});

test('a router with tls does not answer plain HTTP, which the entry point redirects to https', async () => {
  const res = await send(sy.ports.get('web'), { path: '/buy?x=1', headers: { host: 'shop.example' } });
  assert.equal(res.status, 301);
  assert.equal(res.headers.location, `https://shop.example:${sy.ports.get('websecure')}/buy?x=1`);
});

test('clientAuth RequireAndVerifyClientCert: refused without a certificate, served with one signed by the CA', async () => {
  await assert.rejects(get('secure.example', '/'));
  const res = await get('secure.example', '/', { cert: client.cert, key: client.key });
  assert.equal(res.status, 200);
  const seen = JSON.parse(res.body) as { headers: Record<string, string> };
  assert.equal(seen.headers['x-forwarded-tls-client-cert-info'], encodeURIComponent('Subject="CN=alice"'));
});

test('minVersion VersionTLS13 refuses a TLS 1.2 client and serves a TLS 1.3 one', async () => {
  await assert.rejects(handshake({ servername: 'modern.apps.example', maxVersion: 'TLSv1.2' }));
  const socket = await handshake({ servername: 'modern.apps.example' });
  assert.equal(socket.getProtocol(), 'TLSv1.3');
  socket.destroy();
});

test('421 Misdirected Request when the Host maps to other TLS options than the SNI', async () => {
  const res = await get('shop.example', '/', { headers: { host: 'secure.example' } });
  assert.equal(res.status, 421);
  // Same options on both sides: served.
  const ok = await get('shop.example', '/', { headers: { host: 'api.apps.example' } });
  assert.equal(ok.status, 200);
});

test('HTTP/2 is negotiated by ALPN and proxied', async () => {
  const session = h2connect(`https://127.0.0.1:${sy.ports.get('websecure')}`, { ca: ca.cert, servername: 'shop.example' });
  try {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const stream = session.request({ ':path': '/h2', ':authority': 'shop.example' });
      let status = 0;
      let body = '';
      stream.on('response', (h) => { status = Number(h[':status']); });
      stream.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve({ status, body })).on('error', reject);
      stream.end();
    });
    assert.equal(answer.status, 200);
    const seen = JSON.parse(answer.body) as { url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/h2');
    assert.equal(seen.headers['host'], 'shop.example');
    assert.equal(session.alpnProtocol, 'h2');
  } finally {
    session.close();
  }
});

test('a certificate file replaced on disk is served to new connections while an open one keeps working', async () => {
  const before = await handshake({ servername: 'shop.example' });
  const oldSerial = before.getPeerX509Certificate()!.serialNumber;
  const renewed = ca.issue({ dns: ['shop.example'] });
  const applied = sy.applied();
  // Replace the files the configuration names by renaming new ones over them, as cert-manager
  // and editors do; the dynamic configuration itself does not change.
  const tmpCert = join(dir, 'renewed.crt');
  const tmpKey = join(dir, 'renewed.key');
  writeFileSync(tmpKey, renewed.key);
  writeFileSync(tmpCert, renewed.cert);
  renameSync(tmpKey, shop.keyFile);
  renameSync(tmpCert, shop.certFile);
  await sy.waitFor((l) => l.message === 'configuration applied' && sy.applied() > applied, 'the reload after the certificate change');
  const after = await handshake({ servername: 'shop.example' });
  const newSerial = after.getPeerX509Certificate()!.serialNumber;
  after.destroy();
  assert.notEqual(newSerial, oldSerial);
  assert.equal(newSerial, new X509Certificate(renewed.cert).serialNumber);
  // The connection made before the change still carries requests.
  const reply = await new Promise<string>((resolve, reject) => {
    let data = '';
    before.setEncoding('utf8').on('data', (d: string) => {
      data += d;
      if (data.includes('"url":"/still-open"')) resolve(data);
    }).on('error', reject);
    before.write('GET /still-open HTTP/1.1\r\nHost: shop.example\r\n\r\n');
  });
  assert.match(reply, /^HTTP\/1\.1 200/);
  before.destroy();
});
