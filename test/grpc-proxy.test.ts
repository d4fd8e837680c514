/**
 * gRPC through the real binary: @grpc/grpc-js clients talk to bin/switchyard, which forwards to
 * @grpc/grpc-js servers. Downstream over h2c (HTTP/2 with prior knowledge on a plain entry point)
 * and over TLS (ALPN h2, a certificate from tls.certificates chosen by SNI); upstream over
 * `h2c://` and over `https://` with a private CA in a serversTransport's rootCAs. Then an active
 * health check in grpc mode (grpc.health.v1) taking a NOT_SERVING server out of rotation and
 * putting it back, observed through the binary's "server health changed" log lines.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createTestCa } from './support/certs.ts';
import { bidiLockstep, echoClient, serverStream, startEchoServer, unary, type EchoServer } from './support/grpc.ts';
import { startSwitchyard, tempDir, type LogLine, type SwitchyardProcess } from './support/switchyard-process.ts';

let sy: SwitchyardProcess;
let plain: EchoServer;
let secure: EchoServer;
let healthy: EchoServer;
let sick: EchoServer;
/** The CA of the certificate the websecure entry point serves for secure.test. */
let frontCa: string;
const clients: grpc.Client[] = [];

before(async () => {
  const front = createTestCa('gRPC front CA');
  const frontCert = front.issue({ dns: ['secure.test'] });
  frontCa = front.cert;
  const back = createTestCa('gRPC server CA');
  plain = await startEchoServer('plain');
  secure = await startEchoServer('secure', { tls: back.issue({ ips: ['127.0.0.1'] }) });
  healthy = await startEchoServer('healthy');
  sick = await startEchoServer('sick', { health: 'NOT_SERVING' });

  const dir = tempDir();
  const dynamicFile = join(dir, 'dynamic.yml');
  writeFileSync(dynamicFile, `
http:
  routers:
    plain:
      rule: "Host(\`plain.test\`)"
      entryPoints: [web]
      service: plain
    secure:
      rule: "Host(\`secure.test\`)"
      entryPoints: [websecure]
      service: secure
      tls: {}
    health:
      rule: "Host(\`health.test\`)"
      entryPoints: [web]
      service: health
  services:
    plain:
      loadBalancer:
        servers: [{url: "h2c://127.0.0.1:${plain.port}"}]
    secure:
      loadBalancer:
        serversTransport: private-ca
        servers: [{url: "https://127.0.0.1:${secure.port}"}]
    health:
      loadBalancer:
        servers:
          - url: "h2c://127.0.0.1:${healthy.port}"
          - url: "h2c://127.0.0.1:${sick.port}"
        healthCheck:
          mode: grpc
          interval: 50ms
          timeout: 2s
  serversTransports:
    private-ca:
      rootCAs: [${JSON.stringify(back.certFile)}]
tls:
  certificates:
    - certFile: ${JSON.stringify(frontCert.certFile)}
      keyFile: ${JSON.stringify(frontCert.keyFile)}
`);
  writeFileSync(join(dir, 'static.yml'), `entryPoints:
  web:
    address: "127.0.0.1:0"
  websecure:
    address: "127.0.0.1:0"
providers:
  providersThrottleDuration: 0s
  file:
    filename: ${JSON.stringify(dynamicFile)}
log:
  level: INFO
  format: json
`);
  sy = await startSwitchyard([`--configFile=${join(dir, 'static.yml')}`], ['web', 'websecure']);
});

after(async () => {
  for (const client of clients) client.close();
  await sy?.stop();
  for (const server of [plain, secure, healthy, sick]) server?.close();
});

function client(entryPoint: 'web' | 'websecure', authority: string): grpc.Client {
  const c = echoClient(sy.ports.get(entryPoint)!, authority, entryPoint === 'websecure' ? frontCa : undefined);
  clients.push(c);
  return c;
}

/** The first log line after `line` (or from the start) satisfying `predicate`. */
function waitAfter(line: LogLine | undefined, predicate: (l: LogLine) => boolean, what: string): Promise<LogLine> {
  const from = line === undefined ? -1 : sy.lines.indexOf(line);
  return sy.waitFor((l) => sy.lines.indexOf(l) > from && predicate(l), what);
}

const healthChanged = (server: EchoServer, status: 'UP' | 'DOWN') => (l: LogLine): boolean =>
  l.message === 'server health changed' && l.service === 'health@file' && l.url === `h2c://127.0.0.1:${server.port}` && l.status === status;

test('h2c to h2c: a unary call carries request metadata in and response headers and trailers out', async () => {
  const metadata = new grpc.Metadata();
  metadata.set('x-request-id', 'r-1');
  const r = await unary(client('web', 'plain.test'), 'hello', metadata);
  assert.equal(r.error, null);
  assert.equal(r.response?.toString(), 'echo:hello');
  assert.deepEqual(r.headers?.get('x-server'), ['plain']);
  assert.equal(r.status.code, grpc.status.OK);
  assert.deepEqual(r.status.metadata.get('x-trailer'), ['done']);
  const seen = plain.seenMetadata.at(-1)!;
  assert.deepEqual(seen.get('x-request-id'), ['r-1']);
  assert.equal(seen.get('x-forwarded-for').length, 1, 'Switchyard appended the client address');
});

test('h2c to h2c: a server-streaming call delivers every message, then the trailers', async () => {
  const r = await serverStream(client('web', 'plain.test'), 5);
  assert.deepEqual(r.messages, ['part 1', 'part 2', 'part 3', 'part 4', 'part 5']);
  assert.deepEqual(r.headers?.get('x-server'), ['plain']);
  assert.equal(r.status.code, grpc.status.OK);
  assert.deepEqual(r.status.metadata.get('x-parts'), ['5']);
});

test('h2c to h2c: an error status and its message arrive intact (trailers-only response)', async () => {
  const r = await unary(client('web', 'plain.test'), 'missing');
  assert.equal(r.error?.code, grpc.status.NOT_FOUND);
  assert.equal(r.status.code, grpc.status.NOT_FOUND);
  assert.equal(r.status.details, 'no such thing: missing');
});

test('TLS to https with a private CA: unary and bidirectional streaming calls', async () => {
  const c = client('websecure', 'secure.test');
  const metadata = new grpc.Metadata();
  metadata.set('x-request-id', 'r-2');
  const r = await unary(c, 'over tls', metadata);
  assert.equal(r.error, null);
  assert.equal(r.response?.toString(), 'echo:over tls');
  assert.deepEqual(r.headers?.get('x-server'), ['secure']);
  assert.deepEqual(r.status.metadata.get('x-trailer'), ['done']);
  assert.deepEqual(secure.seenMetadata.at(-1)?.get('x-request-id'), ['r-2']);

  const b = await bidiLockstep(c, ['w', 'x', 'y', 'z']);
  assert.equal(b.status.code, grpc.status.OK);
  assert.deepEqual(b.messages, ['re:w', 're:x', 're:y', 're:z']);
});

test('a TLS router is not served to h2c clients on the plain entry point', async () => {
  const before = secure.seenMetadata.length;
  const r = await unary(client('web', 'secure.test'), 'hello');
  // A 404 without grpc-status: grpc-js maps HTTP 404 to UNIMPLEMENTED.
  assert.equal(r.status.code, grpc.status.UNIMPLEMENTED);
  assert.equal(secure.seenMetadata.length, before);
});

test('a grpc health check takes a NOT_SERVING server out of rotation and puts it back once SERVING', async () => {
  const down = await waitAfter(undefined, healthChanged(sick, 'DOWN'), 'the sick server DOWN');
  assert.match(String(down.reason), /NOT_SERVING/);
  const c = client('web', 'health.test');
  const answeredBy: string[] = [];
  for (let i = 0; i < 8; i++) {
    const r = await unary(c, `call ${i}`);
    assert.equal(r.error, null);
    answeredBy.push(String(r.headers?.get('x-server')[0]));
  }
  assert.deepEqual(answeredBy, Array(8).fill('healthy'));
  assert.equal(sick.seenMetadata.length, 0);

  sick.setHealth('SERVING');
  await waitAfter(down, healthChanged(sick, 'UP'), 'the sick server UP again');
  const after: string[] = [];
  for (let i = 0; i < 4; i++) after.push(String((await unary(c, `again ${i}`)).headers?.get('x-server')[0]));
  assert.deepEqual([...new Set(after)].sort(), ['healthy', 'sick']);
});
